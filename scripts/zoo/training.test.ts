// Training pieces: AdamW's first step matches the hand-computed rule, the schedule's shape,
// class-mean heads and CLIP logits — each without leaking tensors. (The wasm transposed-matMul
// patch moved to src/engine/train with its test.)
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AdamW, cosineLr, decays } from './adamw';
import { classMeanHead, clipLogits, crossEntropy } from './heads';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `index ${i}`).toBeLessThan(tol);
};

describe('AdamW', () => {
  it('takes the decoupled-decay Adam step on matrices and plain Adam on vectors', () => {
    const W = tf.variable(tf.tensor2d([[1, -2], [3, 0.5]]));
    const b = tf.variable(tf.tensor1d([0.5, -1]));
    const vars = new Map<string, tf.Variable>([['fc.weight', W], ['fc.bias', b]]);
    const opt = new AdamW(vars, { weightDecay: 0.1 });
    const gW = tf.tensor2d([[0.1, -0.2], [0, 1]]);
    const gb = tf.tensor1d([2, -3]);
    const before = tf.memory().numTensors;
    opt.step(new Map<string, tf.Tensor>([['fc.weight', gW], ['fc.bias', gb]]), 0.01);
    // First step: m̂ = g, v̂ = g², update = g / (|g| + eps) = sign(g) (0 where g = 0).
    const sign = (g: number) => (g === 0 ? 0 : g / (Math.abs(g) + 1e-8));
    close(W.dataSync(), [1, -2, 3, 0.5].map((w, i) => w * (1 - 0.01 * 0.1) - 0.01 * sign([0.1, -0.2, 0, 1][i])), 1e-6);
    close(b.dataSync(), [0.5 - 0.01 * sign(2), -1 - 0.01 * sign(-3)], 1e-6);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    tf.dispose([W, b, gW, gb]);
  });

  it('decays weight matrices only', () => {
    expect(decays('vision_model.encoder.layers.0.mlp.fc1.weight', [256, 64])).toBe(true);
    expect(decays('visual_projection.weight', [64, 64])).toBe(true);
    expect(decays('vision_model.encoder.layers.0.mlp.fc1.bias', [256])).toBe(false);
    expect(decays('vision_model.embeddings.position_embedding.weight', [17, 64])).toBe(false);
  });
});

it('cosineLr warms up linearly to the peak, then decays to 0', () => {
  expect(cosineLr(0, 100, 10, 1)).toBeCloseTo(0.1);
  expect(cosineLr(9, 100, 10, 1)).toBeCloseTo(1);
  expect(cosineLr(55, 100, 10, 1)).toBeCloseTo(0.5);
  expect(cosineLr(100, 100, 10, 1)).toBeCloseTo(0);
  for (let s = 10; s < 99; s++) expect(cosineLr(s + 1, 100, 10, 1)).toBeLessThanOrEqual(cosineLr(s, 100, 10, 1));
});

describe('heads', () => {
  it('classMeanHead: unit rows, the normalised mean of normalised features, scale-invariant', () => {
    const z = Float32Array.from([3, 4, 0, 2, 1, 0, 0, 5]); // [4, 2]
    const labels = Int32Array.from([0, 0, 1, 1]);
    const H = classMeanHead(z, labels, 2);
    // class 0: (0.6, 0.8) + (0, 1) → (0.6, 1.8)/|·|; class 1: (1, 0) + (0, 1) → (1, 1)/√2
    close(H, [0.6 / Math.hypot(0.6, 1.8), 1.8 / Math.hypot(0.6, 1.8), Math.SQRT1_2, Math.SQRT1_2], 1e-6);
    close(classMeanHead(z.map((v) => v * 7), labels, 2), H, 1e-6);
    expect(() => classMeanHead(z, labels, 3)).toThrow(/class 2 has no training images/);
  });

  it('clipLogits = s · cos(z, h), without leaking tensors', () => {
    const before = tf.memory().numTensors;
    const got = tf.tidy(() => clipLogits(tf.tensor2d([[3, 4], [0, -2]]), tf.tensor2d([[1, 0], [0, 1]]), 100).arraySync());
    expect(got[0][0]).toBeCloseTo(60, 4);
    expect(got[0][1]).toBeCloseTo(80, 4);
    expect(got[1][1]).toBeCloseTo(-100, 4);
    expect(tf.memory().numTensors).toBe(before);
  });
});

it('crossEntropy equals −log softmax at the label, averaged', () => {
  const l = [[2, 0, -1], [0.5, 0.5, 3]];
  const lse = l.map((r) => Math.log(r.reduce((a, v) => a + Math.exp(v), 0)));
  const want = ((lse[0] - 2) + (lse[1] - 3)) / 2;
  const before = tf.memory().numTensors;
  expect(tf.tidy(() => crossEntropy(tf.tensor2d(l), Int32Array.from([0, 2])).dataSync()[0])).toBeCloseTo(want, 5);
  expect(tf.memory().numTensors).toBe(before);
});
