/**
 * `npx tsx scripts/zoo/diagnose.ts [zoo dir ...] [--json <file> [--append]] [--no-lw]` — why a zoo merges the way it does.
 * Measures what the task-vector literature measures on CLIP ViT-B/32: the size of each task vector
 * τt = θt − θ0 relative to the pretrained weights (whole tower and per group), their pairwise
 * cosine similarity, each task vector's effect alone (weight disentanglement), and Task
 * Arithmetic's accuracy together with AdaMerging's surrogate (summed prediction entropy) along
 * uniform λ, on all test images, and LW AdaMerging (100 iterations, the results' schedule) trained on
 * it. Prints a summary; --json writes one ZooRecord per zoo (with the
 * zoo's recipe and recorded averages from its results.json): docs/experiments/zoo-why.json, which
 * docs/results.md's "Why" section renders, is written this way; --append keeps the file's other
 * records (a re-diagnosed suite replaces its record in place); --no-lw skips LW AdaMerging (quick
 * lever trials: the λ sweep's entropy and accuracy already say where AdaMerging's surrogate points).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '../../src/engine/backend';
import { openSuiteDir } from '../../src/engine/data/suite-dir.node.js';
import { paramGroup, taskVectorAnalytics } from '../../src/engine/eval/task-vectors';
import { patchWasmTransposedMatMul } from '../../src/engine/train/wasm-matmul';
import { runExperiment } from '../../src/engine/trained/experiment';
import { coefficientSweep, entropySweep } from '../results/entropy';
import type { ZooResults } from './pipeline';

export const DIAGNOSE_LAMBDAS = [0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45, 0.7, 1];

export interface ZooDiagnosis {
  suite: string;
  /** ‖θ0‖₂ over the tower. */
  pretrainedNorm: number;
  /** Per task: ‖τt‖ ÷ ‖θ0‖. */
  relativeNorm: Record<string, number>;
  /** Per group (embeddings, layer.i, head): mean over tasks of ‖τt restricted to it‖ ÷ ‖θ0 restricted to it‖. */
  relativeNormByGroup: Record<string, number>;
  /** Mean and max of cos(τa, τb) over pairs a < b. */
  cosine: { mean: number; max: number };
  /** ‖Σ τt‖ ÷ Σ ‖τt‖: 1 when the task vectors are parallel, 1/√T when orthogonal. */
  sumRatio: number;
  sweep: { lambda: number; entropy: number; accuracy: number }[];
  /**
   * Weight disentanglement at λ 0.3 (when asked): row a, column b = accuracy on task b of
   * θ0 + 0.3·τa alone minus the pretrained model's accuracy on b (points). Off-diagonal entries
   * near 0 mean adding one task's vector leaves the others alone, as on CLIP ViT-B/32.
   */
  interference?: number[][];
}

/** A zoo's diagnosis with what it was made with and what it measured (docs/experiments/zoo-why.json). */
export interface ZooRecord {
  finetune: ZooResults['recipe']['finetune'];
  /** The tower's width, depth and patch size, and the suite's logit scale (absent in older records: 64, 4, 8 and 100). */
  zoo?: { width: number; layers: number; patch: number; logitScale: number };
  /** Average accuracy of LW AdaMerging (100 iterations, seed 0) trained on this zoo, when measured. */
  lwAdaMerging?: number;
  /** Full-test-split averages recorded by `npm run zoo`, by row id (pretrained, individual, average, task_arithmetic, ties). */
  averages: Record<string, number>;
  diagnosis: ZooDiagnosis;
}

export async function diagnoseZoo(dir: string, lambdas: readonly number[] = DIAGNOSE_LAMBDAS, o: { interference?: boolean } = {}): Promise<ZooDiagnosis> {
  const suite = await openSuiteDir(dir);
  const names = [...suite.experts.keys()];
  const experts = names.map((task) => ({ task, checkpoint: suite.experts.get(task)! }));
  const tv = await taskVectorAnalytics(suite.pretrained, experts);
  const g0 = new Map<string, number>();
  const gt = new Map<string, number[]>();
  let sumSq = 0;
  for (const spec of suite.pretrained.params) {
    const [theta0, ...thetas] = await Promise.all([suite.pretrained, ...experts.map((e) => e.checkpoint)].map((c) => c.readParam(spec.name)));
    const g = paramGroup(spec.name);
    const acc = gt.get(g) ?? names.map(() => 0);
    let s0 = 0;
    for (let i = 0; i < theta0.length; i++) s0 += theta0[i] * theta0[i];
    thetas.forEach((th, t) => { for (let i = 0; i < th.length; i++) acc[t] += (th[i] - theta0[i]) ** 2; });
    for (let i = 0; i < theta0.length; i++) { let s = 0; for (const th of thetas) s += th[i] - theta0[i]; sumSq += s * s; }
    g0.set(g, (g0.get(g) ?? 0) + s0);
    gt.set(g, acc);
  }
  const pretrainedNorm = Math.sqrt([...g0.values()].reduce((a, b) => a + b, 0));
  const pairs = names.flatMap((_, a) => names.slice(a + 1).map((__, k) => tv.cosine[a][a + 1 + k]));
  const relativeNormByGroup = Object.fromEntries([...gt].map(([g, acc]) => [g, acc.reduce((a, s) => a + Math.sqrt(s / g0.get(g)!), 0) / names.length]));
  return {
    suite: dir,
    pretrainedNorm,
    relativeNorm: Object.fromEntries(names.map((n, t) => [n, tv.norms[t] / pretrainedNorm])),
    relativeNormByGroup,
    cosine: { mean: pairs.reduce((a, b) => a + b, 0) / pairs.length, max: Math.max(...pairs) },
    sumRatio: Math.sqrt(sumSq) / tv.norms.reduce((a, b) => a + b, 0),
    sweep: await entropySweep(suite, lambdas),
    ...(o.interference ? { interference: await interference(suite, names.length) } : {}),
  };
}

async function interference(suite: Awaited<ReturnType<typeof openSuiteDir>>, T: number): Promise<number[][]> {
  const vectors = [new Array(T).fill(0), ...Array.from({ length: T }, (_, a) => Array.from({ length: T }, (__, t) => (t === a ? 0.3 : 0)))];
  const [pre, ...rows] = await coefficientSweep(suite, vectors);
  return rows.map((r) => r.accuracy.map((acc, b) => acc - pre.accuracy[b]));
}

/** --append: the file's records with those of re-diagnosed suites replaced in place, then the new ones. */
export function mergeRecords(old: ZooRecord[], fresh: ZooRecord[]): ZooRecord[] {
  const bySuite = new Map(fresh.map((r) => [r.diagnosis.suite, r]));
  const kept = old.map((r) => bySuite.get(r.diagnosis.suite) ?? r);
  return [...kept, ...fresh.filter((r) => !old.some((o) => o.diagnosis.suite === r.diagnosis.suite))];
}

export function summarize(d: ZooDiagnosis): string {
  const rel = Object.values(d.relativeNorm);
  const lines = [
    `${d.suite}: ‖θ0‖ ${d.pretrainedNorm.toFixed(1)}; ‖τt‖/‖θ0‖ ${Math.min(...rel).toFixed(3)}–${Math.max(...rel).toFixed(3)} (mean ${(rel.reduce((a, b) => a + b, 0) / rel.length).toFixed(3)})`,
    `  by group: ${Object.entries(d.relativeNormByGroup).map(([g, v]) => `${g} ${v.toFixed(3)}`).join(', ')}`,
    `  cos(τa, τb) mean ${d.cosine.mean.toFixed(3)}, max ${d.cosine.max.toFixed(3)}; ‖Στ‖/Σ‖τ‖ ${d.sumRatio.toFixed(3)} (orthogonal: ${(1 / Math.sqrt(rel.length)).toFixed(3)})`,
    '  λ      Σ entropy  avg acc',
    ...d.sweep.map((p) => `  ${p.lambda.toFixed(2).padEnd(6)} ${p.entropy.toFixed(3).padStart(9)}  ${p.accuracy.toFixed(1).padStart(7)}`),
  ];
  if (d.interference) {
    const T = d.interference.length;
    const own = d.interference.map((r, a) => r[a]);
    const others = d.interference.flatMap((r, a) => r.filter((_, b) => b !== a));
    lines.push(`  θ0 + 0.3·τa alone: own task ${(own.reduce((x, y) => x + y, 0) / T).toFixed(1)} points, each other task ${(others.reduce((x, y) => x + y, 0) / others.length).toFixed(1)} points (mean change vs pretrained)`);
  }
  return lines.join('\n');
}

if (process.argv[1]?.replace(/\\/g, '/').endsWith('scripts/zoo/diagnose.ts')) {
  const args = process.argv.slice(2);
  const j = args.indexOf('--json');
  const json = j >= 0 ? args.splice(j, 2)[1] : null;
  const append = args.includes('--append');
  if (append) args.splice(args.indexOf('--append'), 1);
  const noLw = args.includes('--no-lw');
  if (noLw) args.splice(args.indexOf('--no-lw'), 1);
  await initBackend();
  patchWasmTransposedMatMul();
  const records: ZooRecord[] = [];
  for (const dir of args.length ? args : ['public/zoo/mini8']) {
    const d = await diagnoseZoo(dir, DIAGNOSE_LAMBDAS, { interference: true });
    console.log(summarize(d));
    const r = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as ZooResults;
    const suite = await openSuiteDir(dir);
    const c = suite.pretrained.config;
    const lw = noLw ? null : await runExperiment(suite, { suite: dir, merge: { method: 'adamerging', params: { granularity: 'layer', iterations: 100 } }, seed: 0, limit: null });
    if (lw) console.log(`  LW AdaMerging (100 iterations): ${lw.average.toFixed(1)}`);
    records.push({
      finetune: r.recipe.finetune,
      zoo: { width: c.hiddenSize, layers: c.numLayers, patch: c.patchSize, logitScale: suite.manifest.logitScale },
      ...(lw ? { lwAdaMerging: lw.average } : {}),
      averages: Object.fromEntries(Object.entries(r.full.rows).map(([id, row]) => [id, row.average])),
      diagnosis: d,
    });
  }
  if (json) await writeFile(json, `${JSON.stringify(append ? mergeRecords(JSON.parse(await readFile(json, 'utf8')), records) : records, null, 2)}\n`);
}
