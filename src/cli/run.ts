/**
 * `mergelab run <experiment.json> [--json <results.json>] [--quick] [--eval-every N] [--sample N [--seed S]]`
 * Runs one experiment (engine/trained/experiment.ts): a suite, a base merge (closed form or
 * AdaMerging), an optional trained correction (surgery, intervmerge, tinting), a seed and an
 * image limit. With --sample, each task's test split is a seeded class-stratified sample of N
 * images (data/sampled-suite.ts): trained on and scored there, reported "sampled N of M".
 * Prints per-task accuracy (absolute and normalised), averages, extra parameters and
 * seconds; progress to stderr. The suite path is relative to the current directory.
 */
import { writeFile } from 'node:fs/promises';
import { initNodeBackend } from '../engine/wasm-threads.node.js';
import { type ExperimentResult, runExperiment } from '../engine/trained/experiment';
import { resolveTrainRequest } from '../engine/trained/request';
import { TRAINED_METHODS } from '../engine/catalogue';
import { sampledSuite } from '../engine/data/sampled-suite';
import { openSuiteDir } from '../engine/data/suite-dir.node.js';
import { MergelabError } from '../engine/errors';
import { quote, readJsonCapped } from '../engine/io/bounded';
import { FileAccessError, checkOutputFile, describeFsError } from '../engine/io/fs-guard.node.js';
import { nodeFileSource } from '../engine/io/node-source.node.js';
import { patchWasmTransposedMatMul } from '../engine/train/wasm-matmul';
import type { Output } from './main';
import { headsProgress } from './suite-progress';

const methods = () => TRAINED_METHODS.map((m) => `    ${m.id.padEnd(12)}${m.params.map((f) => `${f.name}=${f.default}`).join(' ')}`).join('\n');
const USAGE = () => `usage: mergelab run <experiment.json> [--json <results.json>] [--quick] [--eval-every N] [--sample N [--seed S]]
  experiment.json  {"suite": "<dir>", "merge": {"method": "<id>", "params": {…}},
                    "correction": {"method": "<id>", "params": {…}}, "seed": 0, "limit": <images per task or null>}
                   merge: average, task_arithmetic, ties, dare, consensus or adamerging; correction (optional):
                   surgery, intervmerge, tinting. Trained methods and their defaults (the papers'):
${methods()}
  --json        write the results as JSON to this file
  --quick       use the short teaching schedules as defaults (same as "preset": "quick")
  --eval-every  score the model being trained every N steps (printed to stderr)
  --sample      use a class-stratified sample of N test images per task (instead of "limit")
  --seed        the sample's seed (default 0)`;

const usage = (problem: string) => new MergelabError('usage', problem, USAGE());

interface RunArgs { file: string; json: string | null; quick: boolean; evalEvery: number; sample: number | null; seed: number }

function parseArgs(args: string[]): RunArgs {
  const a: RunArgs = { file: '', json: null, quick: false, evalEvery: 0, sample: null, seed: 0 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      if (i + 1 >= args.length) throw usage(`${arg} needs a value`);
      return args[++i];
    };
    if (arg === '--json') a.json = value();
    else if (arg === '--quick') a.quick = true;
    else if (arg === '--eval-every') {
      const v = value();
      a.evalEvery = Number(v);
      if (!Number.isInteger(a.evalEvery) || a.evalEvery < 1) throw usage(`--eval-every needs a positive integer, got ${JSON.stringify(v)}`);
    } else if (arg === '--sample' || arg === '--seed') {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || (arg === '--sample' && n < 1)) throw usage(`${arg} needs a ${arg === '--sample' ? 'positive' : 'whole'} number, got ${JSON.stringify(v)}`);
      if (arg === '--sample') a.sample = n;
      else a.seed = n;
    } else if (arg.startsWith('--')) throw usage(`unknown option ${arg}`);
    else if (!a.file) a.file = arg;
    else throw usage(`unexpected argument ${arg}`);
  }
  if (!a.file) throw usage('give the experiment file');
  if (a.seed !== 0 && a.sample === null) throw usage('--seed needs --sample');
  return a;
}

const pct = (v: number | null) => (v === null ? '—' : v.toFixed(2));

function table(r: ExperimentResult): string {
  const rows = [['task', 'accuracy', 'normalized'], ...Object.entries(r.tasks).map(([t, s]) => [t, pct(s.accuracy), pct(s.normalized)]), ['average', pct(r.average), pct(r.normalizedAverage)]];
  const w = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return [...rows.map((row) => row.map((v, c) => v.padEnd(w[c])).join('  ').trimEnd()), `extra parameters: ${r.extraParams}`, `seconds: ${r.seconds.toFixed(1)}`].join('\n');
}

/** The experiment file's JSON; a missing, unreadable, oversized or invalid file is an 'experiment' error. */
async function readExperiment(file: string): Promise<unknown> {
  const hint = 'Give a JSON experiment file (see mergelab run --help).';
  try {
    return await readJsonCapped(await nodeFileSource(file), (problem) => new MergelabError('experiment', `${quote(file, 200)} ${problem}`, hint));
  } catch (e) {
    const fs = describeFsError(e, file);
    if (fs instanceof FileAccessError) throw new MergelabError('experiment', fs.message, fs.hint);
    throw e;
  }
}

export async function run(args: string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    out.write(`${USAGE()}\n`);
    return 0;
  }
  const a = parseArgs(args);
  // The request first (the experiment's fields, then the --json target), then the files it names.
  let experiment = await readExperiment(a.file);
  if (a.quick && experiment && typeof experiment === 'object' && !Array.isArray(experiment) && !('preset' in experiment)) experiment = { ...experiment, preset: 'quick' };
  const parsed = resolveTrainRequest(experiment);
  if (a.sample !== null && parsed.limit !== null) throw usage('give --sample (a stratified sample) or the experiment\'s "limit" (the first images), not both');
  if (a.json) await checkOutputFile(a.json);
  await initNodeBackend();
  patchWasmTransposedMatMul();
  const opened = await openSuiteDir(parsed.suite, headsProgress(err));
  for (const note of opened.notes) err.write(`note: ${note}\n`);
  const sampled = a.sample !== null ? sampledSuite(opened, { size: a.sample, seed: a.seed }) : null;
  const suite = sampled ?? opened;
  const sample: Record<string, { images: number; total: number }> = {};
  if (sampled) {
    for (const t of suite.manifest.tasks) {
      sample[t.name] = await sampled.sampled(t.name);
      const s = sample[t.name];
      err.write(`${t.name}: ${s.images < s.total ? `sampled ${s.images} of ${s.total}` : `all ${s.total}`} test images (stratified by class, seed ${a.seed})\n`);
    }
  }
  let last = 0;
  const result = await runExperiment(suite, experiment, {
    onNote: (n) => err.write(`note: ${n}\n`),
    onProgress: (stage, p) => {
      const now = performance.now();
      if (p.state !== 'done' && now - last < 2000) return;
      last = now;
      err.write(`${stage}: step ${p.step}/${p.totalSteps} loss ${p.smoothedLoss?.toFixed(4) ?? '—'} ${p.stepsPerSecond.toFixed(1)} steps/s ETA ${p.etaSeconds?.toFixed(0) ?? '—'} s\n`);
    },
    evalEvery: a.evalEvery,
    onEval: (stage, step, tasks) => {
      const v = Object.values(tasks);
      err.write(`${stage}: step ${step}: average accuracy ${(v.reduce((s, x) => s + x, 0) / v.length).toFixed(2)}\n`);
    },
  });
  out.write(`${table(result)}\n`);
  if (a.json) await writeFile(a.json, `${JSON.stringify(sampled ? { ...result, sample: { size: a.sample, seed: a.seed, tasks: sample } } : result, null, 2)}\n`);
  return 0;
}
