// The merge's column ranges (merge-columns.ts): every ViT-B/32 tensor's ranges fit WebGPU's default
// limits as tfjs-webgpu 4.22's packed matMul uses them (32 output columns per workgroup, at most
// 65,535 workgroups along x; a storage binding of at most 128 MiB), worked out here by hand; and
// mergedAt split into small forced ranges equals the plain-JS sum θ0 + Σt clamp(λt)·τt.
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { VIT_B_32 } from '../model/clip-vit/config';
import { canonicalParams } from '../model/clip-vit/names';
import { syntheticPool } from '../merge/test-pool.node';
import { MergeCoefficients } from './coefficients';
import { columnRanges, setMergeColumns } from './merge-columns';

afterEach(() => setMergeColumns(null));

describe('merge column ranges', () => {
  it('cover every ViT-B/32 tensor in order, each within WebGPU\'s dispatch (65,535 × 32 columns) and binding (128 MiB) limits, for 1 to 32 tasks', () => {
    const sizes = canonicalParams(VIT_B_32).map((s) => s.shape.reduce((a, b) => a * b, 1));
    expect(Math.max(...sizes)).toBe(768 * 3072); // fc1/fc2: 2,359,296 > 65,535 × 32 = 2,097,120, the size that failed unsplit
    for (const T of [1, 2, 8, 14, 15, 20, 32]) {
      for (const n of sizes) {
        const r = columnRanges(n, T);
        expect(r[0][0]).toBe(0);
        expect(r.at(-1)![1]).toBe(n);
        r.forEach(([a, b], i) => {
          if (i > 0) expect(a).toBe(r[i - 1][1]);
          expect(b).toBeGreaterThan(a);
          expect(Math.ceil((b - a) / 32)).toBeLessThanOrEqual(65535);
          expect(4 * T * (b - a)).toBeLessThanOrEqual(128 * 2 ** 20);
        });
      }
    }
    expect(columnRanges(768 * 3072, 8)).toEqual([[0, 2 ** 20], [2 ** 20, 2 ** 21], [2 ** 21, 768 * 3072]]);
    expect(columnRanges(768, 8)).toEqual([[0, 768]]); // small tensors: one product, as before
  });

  it('mergedAt in ranges of 7 columns equals the plain-JS sum θ0 + Σt clamp(λt(l), 0, 1)·τt(l), with no leaks', async () => {
    const pool = await syntheticPool(3, 5);
    const [base, ...experts] = pool.weights;
    const c = await MergeCoefficients.fromPool(pool.pretrained, pool.experts, ['a', 'b', 'c'], { granularity: 'layer' });
    const L = c.specs.length;
    const lam = [0, 1, 2].map((t) => Array.from({ length: L }, (_, l) => [-0.2, 0.15, 0.6, 1.3][(t + l) % 4]));
    c.load(lam);
    const clamp = (x: number) => Math.min(1, Math.max(0, x));
    setMergeColumns(7);
    const before = tf.memory().numTensors;
    let split = 0;
    c.specs.forEach((s, l) => {
      const n = s.shape.reduce((a, b) => a * b, 1);
      if (n > 7) split++;
      const m = c.mergedAt(l);
      expect(m.shape).toEqual(s.shape);
      const got = m.dataSync();
      m.dispose();
      const b = base.get(s.name)!;
      for (let i = 0; i < n; i++) {
        const want = b[i] + experts.reduce((acc, e, t) => acc + clamp(lam[t][l]) * (e.get(s.name)![i] - b[i]), 0);
        expect(Math.abs(got[i] - want), `${s.name}[${i}]`).toBeLessThan(1e-6);
      }
    });
    expect(split).toBeGreaterThan(0); // some tensors really were merged in several ranges
    expect(tf.memory().numTensors).toBe(before);
    c.dispose();
  });
});
