/**
 * The engine's init (what the page's worker calls first) installs the transposed-matMul kernels on
 * WASM, as the CLI does before training: a product that asks for a transposed operand (every
 * x · Wᵀ linear layer and every matMul gradient) then runs as an explicit transpose followed by
 * tfjs-wasm's plain product, so its bits equal that product's. tfjs-wasm's own transposed path
 * sums in another order and differs in the last bits on most entries (over 2,000 of the 2,310
 * below without the kernels), so this is what tells the two apart.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../engine/random';
import { createInProcessEngine } from './in-process';

const rng = createRng(19);
const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

/** Entries where a and b differ in any bit. */
const differing = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) n++;
  return n;
};

describe('the worker engine on WASM', () => {
  beforeAll(async () => {
    const choice = await createInProcessEngine().init({ force: 'wasm' });
    expect(choice.backend).toBe('wasm');
  });
  afterAll(async () => { await tf.setBackend('cpu'); });

  it('multiplies by a transposed operand through the plain product, forward and in gradients', () => {
    const x = tf.tensor2d(normal(33 * 300), [33, 300]); // [B, K]
    const w = tf.tensor2d(normal(70 * 300), [70, 300]); // [N, K], PyTorch's Linear layout
    const dy = tf.tensor2d(normal(33 * 70), [33, 70]);
    const wT = tf.transpose(w); // [K, N]
    const xT = tf.transpose(x); // [K, B]
    const values = (f: () => tf.Tensor) => tf.tidy(() => f().dataSync() as Float32Array);
    const before = tf.memory().numTensors;
    const got = values(() => tf.matMul(x, w, false, true)); // x · Wᵀ
    expect(differing(got, values(() => tf.matMul(x, wT)))).toBe(0);
    // ∂⟨dy, x·V⟩/∂V for V = Wᵀ [K, N] is xᵀ · dy: tfjs's matMul gradient asks for matMul(x, dy, transposeA).
    const gV = values(() => tf.grads((v: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, v), dy)))([wT])[0]);
    expect(differing(gV, values(() => tf.matMul(xT, dy)))).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    // And the values are the product itself (against a plain-JS sum, to float32 rounding).
    for (const [i, j] of [[0, 0], [32, 69], [17, 5]]) {
      let s = 0;
      for (let k = 0; k < 300; k++) s += x.dataSync()[i * 300 + k] * w.dataSync()[j * 300 + k];
      expect(Math.abs(got[i * 70 + j] - s)).toBeLessThan(1e-3);
    }
    tf.dispose([x, w, dy, wT, xT]);
  });
});
