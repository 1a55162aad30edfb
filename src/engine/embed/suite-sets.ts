/**
 * What the UMAP explorer embeds for a suite: from the features collectBiasFeatures gathered (each
 * task's expert on its task, each model on every task), one FeatureSet per model whose rows are
 * the test images of all tasks in manifest order — "experts" takes each image's own-task expert —
 * plus per row its task, image index, true label and every set's prediction (with the task's head,
 * or the model's own when given, e.g. a trained run's). `selectImages` keeps chosen images per task
 * (the explorer's point budget) with L2-normalised rows.
 */
import type { Suite } from '../data/suite';
import { argmaxRows } from '../eval/accuracy';
import type { BiasInput, Representations } from '../eval/bias';
import { headLogits } from '../model/heads';
import type { FeatureSet } from './embed';

export interface EmbeddingSets {
  /** The experts' set first, then one per model; rows: task 0's images, task 1's, … */
  sets: (FeatureSet & { label: string })[];
  /** [m] task index of each row. */
  tasks: Int32Array;
  /** [m] index of the row's image in its task's test split. */
  indices: Int32Array;
  /** [m] true class (within its task). */
  labels: Int32Array;
  /** Set key → [m] predicted class with the row's task head. */
  predictions: Record<string, Int32Array>;
  taskNames: string[];
  classNames: string[][];
}

/** `tag` distinguishes image selections (e.g. "limit 300") in the sets' keys, and so in the layout cache. */
export function embeddingSets(suite: Suite, input: BiasInput & { labels: Record<string, Int32Array> }, tag: string, given: Record<string, Record<string, Int32Array>> = {}): EmbeddingSets {
  const tasks = input.tasks;
  const counts = tasks.map((t) => input.labels[t].length);
  const m = counts.reduce((a, b) => a + b, 0);
  const dim = input.experts[tasks[0]].dim;
  const gather = (key: string, label: string, pick: (t: string) => Representations): FeatureSet & { label: string } => {
    const z = new Float32Array(m * dim);
    let o = 0;
    for (const t of tasks) { z.set(pick(t).z, o * dim); o += input.labels[t].length; }
    return { key: `${key}|${tag}`, label, n: m, dim, z };
  };
  const sets = [gather('experts', 'Experts', (t) => input.experts[t]), ...input.models.map((mo) => gather(mo.key, mo.label, (t) => mo.features[t]))];
  const taskOf = new Int32Array(m);
  const labels = new Int32Array(m);
  const indices = new Int32Array(m);
  let o = 0;
  tasks.forEach((t, i) => {
    taskOf.fill(i, o, o + counts[i]);
    labels.set(input.labels[t], o);
    for (let r = 0; r < counts[i]; r++) indices[o + r] = r;
    o += counts[i];
  });
  const predictions: Record<string, Int32Array> = {};
  sets.forEach((s, si) => {
    const own = si > 0 ? given[input.models[si - 1].key] : undefined;
    const pred = new Int32Array(m);
    let r = 0;
    for (const t of tasks) {
      const head = suite.heads.get(t)!;
      const n = input.labels[t].length;
      pred.set(own?.[t]?.subarray(0, n) ?? argmaxRows(headLogits(s.z.subarray(r * dim, (r + n) * dim), n, head, suite.manifest.logitScale), n, head.numClasses), r);
      r += n;
    }
    predictions[s.key] = pred;
  });
  return { sets, tasks: taskOf, indices, labels, predictions, taskNames: [...tasks], classNames: suite.manifest.tasks.map((t) => [...t.classes]) };
}

/** Keeps the rows of the chosen images of each task ([task] ascending indices into its rows), every set's rows L2-normalised. */
export function selectImages(e: EmbeddingSets, chosen: readonly Int32Array[]): EmbeddingSets {
  const start = e.taskNames.map(() => -1);
  for (let r = e.tasks.length - 1; r >= 0; r--) start[e.tasks[r]] = r;
  const rows = Int32Array.from(chosen.flatMap((idx, t) => Array.from(idx, (i) => start[t] + i)));
  const pick = (a: Int32Array) => Int32Array.from(rows, (r) => a[r]);
  const sets = e.sets.map((s) => {
    const z = new Float32Array(rows.length * s.dim); // [m', dim], unit rows
    rows.forEach((row, i) => {
      const o = row * s.dim;
      let ss = 0;
      for (let c = 0; c < s.dim; c++) ss += s.z[o + c] * s.z[o + c];
      const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
      for (let c = 0; c < s.dim; c++) z[i * s.dim + c] = s.z[o + c] * inv;
    });
    return { ...s, n: rows.length, z };
  });
  return {
    ...e, sets, tasks: pick(e.tasks), indices: pick(e.indices), labels: pick(e.labels),
    predictions: Object.fromEntries(Object.entries(e.predictions).map(([k, p]) => [k, pick(p)])),
  };
}
