/**
 * The diagnostic behind AdaMerging's row: the surrogate it minimises (prediction entropy, summed
 * over tasks) against the accuracy it is meant to track, along uniform coefficients λ·1 (every
 * task, every tensor). On ViT-B/32 the AdaMerging paper shows the two moving together; where the
 * entropy is flat or non-monotone in λ while the accuracy falls, entropy minimisation from
 * λ = 0.3 has nothing to follow.
 */
import * as tf from '@tensorflow/tfjs';
import { MergeCoefficients } from '../../src/engine/trained/coefficients';
import { bankFeatures } from '../../src/engine/trained/losses';
import type { Suite } from '../../src/engine/data/suite';
import { argmaxRows, top1Accuracy } from '../../src/engine/eval/accuracy';
import { headLogits } from '../../src/engine/model/heads';
import { PixelBank } from '../../src/engine/train/data';

export interface SweepPoint {
  lambda: number;
  /** Σ over tasks of the mean entropy (nats) of the merged model's predictions on the task's test images. */
  entropy: number;
  /** Mean over tasks of top-1 accuracy (%). */
  accuracy: number;
}

/** Mean entropy of softmax rows of logits [n, C]. */
function meanEntropy(logits: Float32Array, n: number, C: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const row = logits.subarray(i * C, (i + 1) * C);
    const m = Math.max(...row);
    const e = Array.from(row, (v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    total -= e.reduce((a, v) => a + (v / s) * Math.log(Math.max(v / s, 1e-30)), 0);
  }
  return total / n;
}

/** Per coefficient vector (one λ per task): each task's accuracy (%) and mean entropy (nats). */
export async function coefficientSweep(suite: Suite, vectors: readonly number[][]): Promise<{ accuracy: number[]; entropy: number[] }[]> {
  const names = suite.manifest.tasks.map((t) => t.name);
  const config = suite.pretrained.config;
  const c = await MergeCoefficients.fromPool(suite.pretrained, [...suite.experts.values()], names, { granularity: 'task' });
  const images = await Promise.all(names.map((n) => suite.images(n)));
  const banks = await Promise.all(images.map((im) => PixelBank.load(im, config.imageSize)));
  const out: { accuracy: number[]; entropy: number[] }[] = [];
  try {
    for (const v of vectors) {
      c.load(v);
      const w = c.mergedMap();
      const point = { accuracy: [] as number[], entropy: [] as number[] };
      for (const [t, n] of names.entries()) {
        const head = suite.heads.get(n)!;
        const logits = headLogits(await bankFeatures(w, config, banks[t]), banks[t].count, head, suite.manifest.logitScale);
        point.entropy.push(meanEntropy(logits, banks[t].count, head.numClasses));
        point.accuracy.push(100 * top1Accuracy(argmaxRows(logits, banks[t].count, head.numClasses), images[t].labels));
      }
      tf.dispose([...w.values()]);
      out.push(point);
    }
  } finally {
    c.dispose();
  }
  return out;
}

export async function entropySweep(suite: Suite, lambdas: readonly number[]): Promise<SweepPoint[]> {
  const T = suite.manifest.tasks.length;
  const points = await coefficientSweep(suite, lambdas.map((l) => new Array(T).fill(l)));
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  return points.map((p, i) => ({ lambda: lambdas[i], entropy: sum(p.entropy), accuracy: sum(p.accuracy) / T }));
}
