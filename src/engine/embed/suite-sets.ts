/**
 * What the UMAP explorer embeds for a suite: from the features collectBiasFeatures gathered (each
 * task's expert on its task, each model on every task), one FeatureSet per model whose rows are
 * the test images of all tasks in manifest order — "experts" takes each image's own-task expert —
 * plus per row its task, true label and every set's prediction with the task's head.
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
  /** [m] true class (within its task). */
  labels: Int32Array;
  /** Set key → [m] predicted class with the row's task head. */
  predictions: Record<string, Int32Array>;
  taskNames: string[];
  classNames: string[][];
}

/** `tag` distinguishes image selections (e.g. "limit 300") in the sets' keys, and so in the layout cache. */
export function embeddingSets(suite: Suite, input: BiasInput & { labels: Record<string, Int32Array> }, tag: string): EmbeddingSets {
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
  let o = 0;
  tasks.forEach((t, i) => { taskOf.fill(i, o, o + counts[i]); labels.set(input.labels[t], o); o += counts[i]; });
  const predictions: Record<string, Int32Array> = {};
  for (const s of sets) {
    const pred = new Int32Array(m);
    let r = 0;
    for (const t of tasks) {
      const head = suite.heads.get(t)!;
      const n = input.labels[t].length;
      pred.set(argmaxRows(headLogits(s.z.subarray(r * dim, (r + n) * dim), n, head, suite.manifest.logitScale), n, head.numClasses), r);
      r += n;
    }
    predictions[s.key] = pred;
  }
  return { sets, tasks: taskOf, labels, predictions, taskNames: [...tasks], classNames: suite.manifest.tasks.map((t) => [...t.classes]) };
}
