// The wasm transposed-matMul patch gives the same numbers (values and gradients) as the CPU
// backend for every transpose combination, plain and fused, without leaking tensors.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { patchWasmTransposedMatMul } from './wasm-matmul';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `index ${i}`).toBeLessThan(tol);
};

describe('patchWasmTransposedMatMul', () => {
  afterAll(async () => { await tf.setBackend('cpu'); });

  it('matches the CPU backend for every transpose combination, plain and fused, and in gradients', async () => {
    const rng = createRng(4);
    const a = Float32Array.from({ length: 2 * 5 * 3 }, () => rng.normal());
    const b = Float32Array.from({ length: 2 * 5 * 3 }, () => rng.normal());
    const bias = Float32Array.from({ length: 3 }, () => rng.normal());
    const run = () => {
      const out: number[][] = [];
      for (const [ta, tb] of [[false, true], [true, false], [true, true]] as const) {
        const A = tf.tensor3d(a, ta ? [2, 3, 5] : [2, 5, 3]);
        const B = tf.tensor3d(b, tb ? [2, 5, 3] : [2, 3, 5]);
        out.push(Array.from(tf.matMul(A, B, ta, tb).dataSync()));
        const A2 = tf.tensor2d(a.subarray(0, 15), ta ? [3, 5] : [5, 3]);
        const B2 = tf.tensor2d(b.subarray(0, 15), tb ? [5, 3] : [3, 5]);
        out.push(Array.from(tf.fused.matMul({ a: A2, b: B2, transposeA: ta, transposeB: tb }).dataSync()));
        out.push(...tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, ta, tb))))([A, B]).map((g) => Array.from(g.dataSync())));
      }
      const X = tf.tensor2d(a.subarray(0, 15), [5, 3]);
      const W = tf.tensor2d(b.subarray(0, 9), [3, 3]);
      out.push(Array.from(tf.fused.matMul({ a: X, b: W, transposeB: true, bias: tf.tensor1d(bias) }).dataSync()));
      return out;
    };
    await tf.setBackend('cpu');
    const want = tf.tidy(run);
    await tf.setBackend('wasm');
    patchWasmTransposedMatMul();
    const before = tf.memory().numTensors;
    const got = tf.tidy(run);
    expect(tf.memory().numTensors).toBe(before);
    want.forEach((w, i) => close(got[i], w, 1e-4));
  });
});
