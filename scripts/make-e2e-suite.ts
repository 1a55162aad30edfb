/**
 * Writes e2e/fixtures/suite-tiny: a three-task suite around the fixture family (pretrained tiny-a,
 * experts merge/task-0..2), one task per data form the lab reads — safetensors, an ImageFolder of
 * PNGs, gzipped IDX — with seeded images. The fixture experts are tiny-a plus small deltas, so
 * random heads and labels would score every model alike. Instead each task's head is built from
 * its expert (row c = the centred, normalised feature of the task's c-th image) and the labels are
 * the expert's own predictions: the individual model scores 100 % and pretrained and merges score
 * how often they agree with it. Deterministic (CPU backend): a rerun writes identical files.
 * Usage: npx tsx scripts/make-e2e-suite.ts [outDir]
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { openSuiteDir } from '../src/engine/data/suite-dir.node.js';
import { type TinyTask, randomHead, randomImages, writeTinySuite } from '../src/engine/data/tiny-suite.node.js';
import { SuiteEvaluator } from '../src/engine/eval/evaluate';
import { loadParams } from '../src/engine/model/clip-vit/load';
import { disposeParams } from '../src/engine/params/param-map';

const OUT = process.argv[2] ?? fileURLToPath(new URL('../e2e/fixtures/suite-tiny/', import.meta.url));
const N = 24;
const P = 32; // tiny-a projection_dim

function task(i: number, name: string, classes: string[], form: TinyTask['form']): TinyTask {
  const C = form === 'idx' ? 1 : 3;
  return {
    name, classes, expert: `merge/task-${i}`, form,
    images: randomImages(N, 32, 32, C, 100 + i), shape: [N, 32, 32, C],
    labels: Int32Array.from({ length: N }, (_, k) => k % classes.length),
  };
}

const normalize = (v: Float32Array) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

/** Head from the expert's features z [N, P] (rows: centred features of images 0..C-1) and its argmax labels. */
function expertHead(z: Float32Array, C: number): { head: Float32Array; labels: Int32Array } {
  const rows = Array.from({ length: N }, (_, n) => normalize(z.subarray(n * P, (n + 1) * P)));
  const mean = new Float32Array(P);
  for (const r of rows) r.forEach((x, p) => { mean[p] += x / N; });
  const head = new Float32Array(C * P);
  for (let c = 0; c < C; c++) head.set(normalize(rows[c].map((x, p) => x - mean[p])), c * P);
  const labels = Int32Array.from(rows, (r) => {
    let best = 0;
    let bestDot = -Infinity;
    for (let c = 0; c < C; c++) {
      let d = 0;
      for (let p = 0; p < P; p++) d += r[p] * head[c * P + p];
      if (d > bestDot) { bestDot = d; best = c; }
    }
    return best;
  });
  return { head, labels };
}

await tf.setBackend('cpu');
const tasks = [
  task(0, 'waves', ['calm', 'choppy', 'stormy'], 'safetensors'),
  task(1, 'folders', ['red', 'green', 'blue', 'grey'], 'imagefolder'),
  task(2, 'scans', ['even', 'odd'], 'idx'),
];
// First pass: any heads, to get the experts' features through the engine's own pipeline.
await rm(OUT, { recursive: true, force: true });
await writeTinySuite(OUT, tasks, { heads: Object.fromEntries(tasks.map((t, i) => [t.name, randomHead(t.classes.length, P, i)])) });
const suite = await openSuiteDir(OUT);
const ev = new SuiteEvaluator(suite);
const heads: Record<string, Float32Array> = {};
for (const t of tasks) {
  const params = await loadParams(suite.experts.get(t.name)!);
  const f = await ev.features({ key: t.name, params }, t.name);
  disposeParams(params);
  const built = expertHead(f.z, t.classes.length);
  heads[t.name] = built.head;
  t.labels = built.labels;
}
ev.dispose();
await rm(OUT, { recursive: true, force: true });
await writeTinySuite(OUT, tasks, { heads });
console.log(`wrote ${OUT}`);
