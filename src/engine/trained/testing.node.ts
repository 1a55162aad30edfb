/**
 * Test support for the trained methods: synthetic cached features and heads, and a central
 * finite-difference gradient of a scalar function of one tensor (float32 arithmetic, so checks
 * compare with a tolerance of about 2 % of the gradient's largest entry).
 */
import * as tf from '@tensorflow/tfjs';
import { randomHead } from '../data/tiny-suite.node';
import type { ClassificationHead } from '../model/heads';
import { createRng } from '../random';

export function head(task: string, C: number, P: number, seed: number): ClassificationHead {
  return { task, numClasses: C, dim: P, weight: randomHead(C, P, seed) };
}

export function randomRows(n: number, dim: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * dim }, () => rng.normal() * scale);
}

/** (f(x + h·e_j) − f(x − h·e_j)) / 2h for the entries `at` of x. */
export function finiteDifference(f: (x: tf.Tensor) => number, x: tf.Tensor, at: readonly number[], h = 1e-2): number[] {
  const base = x.dataSync().slice() as Float32Array;
  return at.map((j) => {
    const plus = base.slice(); plus[j] += h;
    const minus = base.slice(); minus[j] -= h;
    const fp = tf.tidy(() => f(tf.tensor(plus, x.shape)));
    const fm = tf.tidy(() => f(tf.tensor(minus, x.shape)));
    return (fp - fm) / (2 * h);
  });
}
