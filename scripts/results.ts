/**
 * Writes docs/results.md (and docs/results.json): every method of the lab on a suite (default the
 * demo zoo) through the same experiment runner as `mergelab run` — pretrained, individual,
 * averaging, TA, TIES, TW/LW AdaMerging, Surgery on TA / TIES / LW AdaMerging, IntervMerge and its
 * mini variant on the same bases, and Tinting — with per-task and average accuracy (absolute and
 * normalised), extra trainable parameters and training seconds. LW AdaMerging is trained once; the
 * corrections on it load its coefficients (their training time adds the AdaMerging run's).
 *
 *   npm run results                       # the schedules in SCHEDULES below (≈ 40 min on a loaded 2-core machine)
 *   npm run results -- --quick --out /tmp # the quick teaching preset everywhere (a smoke run)
 *   npm run results -- --render-only      # re-render docs/results.md from docs/results.json
 *                                         # (and the "Why" section from docs/experiments/zoo-why.json)
 *   npm run results -- --add "<label>" exp.json   # run one more experiment (e.g. a full paper
 *                                         # schedule) and add it to docs/results.json and .md
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '../src/engine/backend';
import { type ExperimentResult, runExperiment } from '../src/engine/trained/experiment';
import { openSuiteDir } from '../src/engine/data/suite-dir.node.js';
import { SuiteEvaluator } from '../src/engine/eval/evaluate';
import { patchWasmTransposedMatMul } from '../src/engine/train/wasm-matmul';
import { type SweepPoint, entropySweep } from './results/entropy';
import { type Meta, type Row, renderResults } from './results/render';
import type { ZooRecord } from './zoo/diagnose';

/** Uniform λ at which the entropy/accuracy diagnostic is measured. */
const SWEEP = [0.05, 0.125, 0.2, 0.3, 0.45];

/**
 * Iterations per method: the papers' where they fit the shared 2-core machine, else reduced (and
 * said so in the doc). Measured on the zoo (wasm, 1 thread, machine otherwise idle → loaded at
 * load average ~7): AdaMerging 1.4 → 4 s per iteration (8 tasks × 32 images forward + backward to
 * the weights), IntervMerge 85 → 250 ms per step, Tinting 200 → 500 ms per step, Surgery ~1 ms per
 * step (cached features).
 */
export const SCHEDULES = {
  adamerging: 100, // paper 500
  surgery: 500, // paper 500 (8,000 steps)
  intervmerge: 50, // paper 500 (8,000 steps)
  tinting: 50, // paper 500 epochs (4,000 steps)
} as const;

function parseArgs(argv: string[]) {
  const o = { suite: 'public/zoo/mini8', out: 'docs', quick: false, renderOnly: false, add: null as null | { label: string; file: string } };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--suite') o.suite = argv[++i];
    else if (argv[i] === '--out') o.out = argv[++i];
    else if (argv[i] === '--quick') o.quick = true;
    else if (argv[i] === '--render-only') o.renderOnly = true;
    else if (argv[i] === '--add') { o.add = { label: argv[i + 1], file: argv[i + 2] }; i += 2; }
    else throw new Error(`unknown argument ${argv[i]} (options: --suite DIR, --out DIR, --quick, --render-only, --add LABEL FILE)`);
  }
  return o;
}

/** Mean, min and max of learned coefficients as the merge uses them (clamped to [0, 1]). */
function lambdaStats(lambda: number[][]): NonNullable<Row['lambda']> {
  const v = lambda.flat().map((x) => Math.min(1, Math.max(0, x)));
  return { mean: v.reduce((a, b) => a + b, 0) / v.length, min: Math.min(...v), max: Math.max(...v) };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const backend = await initBackend();
  patchWasmTransposedMatMul();
  const suite = await openSuiteDir(o.suite);
  const names = suite.manifest.tasks.map((t) => t.name);
  const whyFile = join(o.out, 'experiments', 'zoo-why.json');
  const write = async (rows: Row[], meta: Meta, sweep: SweepPoint[]) => {
    const records = existsSync(whyFile) ? (JSON.parse(await readFile(whyFile, 'utf8')) as ZooRecord[]) : [];
    const why = { records, classes: Object.fromEntries(suite.manifest.tasks.map((t) => [t.name, t.classes.length])) };
    await writeFile(join(o.out, 'results.json'), `${JSON.stringify({ ...meta, rows, sweep }, null, 2)}\n`);
    await writeFile(join(o.out, 'results.md'), renderResults(rows, names, rows.find((r) => r.label.startsWith('Individual'))!.tasks, meta, sweep, why));
    process.stderr.write(`wrote ${join(o.out, 'results.md')}\n`);
  };
  const saved = o.renderOnly || o.add ? (JSON.parse(await readFile(join(o.out, 'results.json'), 'utf8')) as Meta & { rows: Row[]; sweep?: SweepPoint[] }) : null;
  const preset = o.quick ? 'quick' : 'paper';
  const rows: Row[] = saved ? saved.rows : [];
  const run = async (label: string, group: Row['group'], experiment: object, baseSeconds = 0): Promise<ExperimentResult> => {
    const s = performance.now();
    let last = 0;
    const r = await runExperiment(suite, { suite: o.suite, seed: 0, limit: null, preset, ...experiment }, {
      onProgress: (stage, p) => {
        if (performance.now() - last < 20_000 && p.state !== 'done') return;
        last = performance.now();
        process.stderr.write(`  ${label} · ${stage} ${p.step}/${p.totalSteps} loss ${p.smoothedLoss?.toFixed(4)} ETA ${p.etaSeconds?.toFixed(0)} s\n`);
      },
    });
    const trainSeconds = baseSeconds + r.merge.trainSeconds + (r.correction?.trainSeconds ?? 0);
    const lambda = r.coefficients && !('coefficients' in (experiment as { merge: object }).merge) ? lambdaStats(r.coefficients.lambda) : undefined;
    rows.push({ label, group, tasks: Object.fromEntries(names.map((n) => [n, r.tasks[n].accuracy])), extraParams: r.extraParams, trainSeconds, steps: (r.correction ?? r.merge).steps, ...(lambda ? { lambda } : {}) });
    process.stderr.write(`${label}: ${r.average.toFixed(2)} (${((performance.now() - s) / 1000).toFixed(0)} s)\n`);
    return r;
  };
  if (saved) {
    const { rows: _, sweep, ...meta } = saved;
    if (o.add) await run(o.add.label, 'extra', JSON.parse(await readFile(o.add.file, 'utf8')));
    await write(rows, meta, sweep ?? (await entropySweep(suite, SWEEP)));
    return;
  }
  const ev = new SuiteEvaluator(suite);
  const refs = await ev.references();
  ev.dispose();
  const it = (m: keyof typeof SCHEDULES) => (o.quick ? {} : { iterations: SCHEDULES[m] });
  rows.push(
    { label: 'Pretrained (zero-shot head)', group: 'reference', tasks: refs.pretrained, extraParams: 0, trainSeconds: 0 },
    { label: 'Individual (experts)', group: 'reference', tasks: refs.individual, extraParams: 0, trainSeconds: 0 },
  );
  await run('Weight averaging', 'merge', { merge: { method: 'average' } });
  await run('Task Arithmetic (λ 0.3)', 'merge', { merge: { method: 'task_arithmetic' } });
  await run('TIES (k 20, λ 0.3)', 'merge', { merge: { method: 'ties' } });
  await run('TW AdaMerging', 'adamerging', { merge: { method: 'adamerging', params: { granularity: 'task', ...it('adamerging') } } });
  const lw = await run('LW AdaMerging', 'adamerging', { merge: { method: 'adamerging', params: { granularity: 'layer', ...it('adamerging') } } });
  const lwBase = { method: 'adamerging', params: { granularity: 'layer' }, coefficients: lw.coefficients };
  const bases = [
    ['TA', { method: 'task_arithmetic' }, 0],
    ['TIES', { method: 'ties' }, 0],
    ['LW AdaMerging', lwBase, lw.merge.trainSeconds],
  ] as const;
  for (const [name, merge, secs] of bases) await run(`${name} + Surgery (r 16)`, 'correction', { merge, correction: { method: 'surgery', params: it('surgery') } }, secs);
  for (const variant of ['full', 'mini'] as const) {
    for (const [name, merge, secs] of bases) await run(`${name} + IntervMerge${variant === 'mini' ? ' mini' : ''} (r 1)`, 'correction', { merge, correction: { method: 'intervmerge', params: { variant, ...it('intervmerge') } } }, secs);
  }
  await run('Model Tinting (head, filter on)', 'correction', { merge: { method: 'task_arithmetic' }, correction: { method: 'tinting', params: it('tinting') } });

  const sweep = await entropySweep(suite, SWEEP);
  const seconds = (performance.now() - t0) / 1000;
  const meta: Meta = { suite: o.suite, preset, schedules: o.quick ? null : { ...SCHEDULES }, backend: backend.backend, seconds, command: `npm run results${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}` };
  await write(rows, meta, sweep);
}

await main();
