// MergeCoefficients against plain-JS sums over the pool's weights (METHODS.md §6): the clamped
// merge θ(l) = θ0(l) + Σt clamp(λt(l), 0, 1)·τt(l), and the shortcut gradient
// ∂L/∂λt(l) = ⟨g(l), τt(l)⟩ (summed over l task-wise) that passes on the CLOSED interval [0, 1],
// like torch.clamp's, and is zero outside it.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { createRng } from '../random';
import { type Weights, checkpointFrom, randomWeights, syntheticPool } from '../merge/test-pool.node';
import { MergeCoefficients } from './coefficients';

let pool: { pretrained: Checkpoint; experts: Checkpoint[]; weights: Weights[] };
const tasks = ['a', 'b', 'c'];
beforeAll(async () => { pool = await syntheticPool(3, 9); });

const clamp = (x: number) => Math.min(1, Math.max(0, x));
/** λ [T][1|L] with the edge cases: exactly 0 and 1 (inside), −0.1 and 1.2 (outside), in-between values. */
function lambdas(L: number): number[][] {
  const edge = [0, 1, -0.1, 1.2, 0.5];
  return tasks.map((_, t) => Array.from({ length: L }, (_, l) => edge[(t + l) % edge.length] + (l > 4 ? 0.01 * l : 0)));
}

describe('MergeCoefficients', () => {
  for (const granularity of ['task', 'layer'] as const) {
    it(`${granularity}-wise: the clamped merge and the shortcut gradient match plain-JS sums, with no leaks`, async () => {
      const before = tf.memory().numTensors;
      const c = await MergeCoefficients.fromPool(pool.pretrained, pool.experts, tasks, { granularity, init: 0.3 });
      const names = c.specs.map((s) => s.name);
      const L = granularity === 'task' ? 1 : names.length;
      expect(c.lambda.shape).toEqual([3, L]);
      expect(c.size).toBe(3 * L);
      expect((await c.clamped()).flat().every((v) => Math.abs(v - 0.3) < 1e-7)).toBe(true);
      const lam = lambdas(L);
      c.load(lam);
      const [base, ...experts] = pool.weights;
      const at = (t: number, l: number) => lam[t][granularity === 'task' ? 0 : l];

      const merged = c.merged();
      const got = merged.map((m) => m.dataSync());
      tf.dispose(merged);
      names.forEach((name, l) => {
        const b = base.get(name)!;
        const want = Float64Array.from(b, (v, i) => v + experts.reduce((s, e, t) => s + clamp(at(t, l)) * (e.get(name)![i] - v), 0));
        for (let i = 0; i < b.length; i++) expect(Math.abs(got[l][i] - want[i]), `${name}[${i}]`).toBeLessThan(1e-6);
      });

      const rng = createRng(4);
      const g = names.map((name) => Float32Array.from(base.get(name)!, () => rng.normal()));
      const gT = names.map((_, l) => tf.tensor(g[l], c.specs[l].shape));
      const grad = c.lambdaGrad(gT);
      const gotGrad = grad.arraySync();
      tf.dispose([grad, ...gT]);
      const dot = (t: number, l: number) => { const b = base.get(names[l])!; const e = experts[t].get(names[l])!; return b.reduce((s, v, i) => s + (e[i] - v) * g[l][i], 0); };
      for (let t = 0; t < 3; t++) {
        for (let j = 0; j < L; j++) {
          const inside = lam[t][j] >= 0 && lam[t][j] <= 1;
          const want = !inside ? 0 : granularity === 'task' ? names.reduce((s, _, l) => s + dot(t, l), 0) : dot(t, j);
          if (inside) expect(Math.abs(want)).toBeGreaterThan(1e-5); // a real, non-zero gradient to compare with
          expect(Math.abs(gotGrad[t][j] - want), `task ${t}, column ${j}, λ ${lam[t][j]}`).toBeLessThan(1e-6 + 1e-4 * Math.abs(want));
        }
      }
      expect(await c.named('adamerging.lambda')).toEqual({ name: 'adamerging.lambda', shape: [3, L], values: Float32Array.from(lam.flat()) });
      c.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('MergeCoefficients: JSON and the TIES base of AdaMerging++', () => {
  it('json names the tensors only layer-wise', async () => {
    const task = await MergeCoefficients.fromPool(pool.pretrained, pool.experts, tasks, { granularity: 'task', init: 0.3 });
    const layer = await MergeCoefficients.fromPool(pool.pretrained, pool.experts, tasks, { granularity: 'layer', init: 0.3 });
    expect('tensors' in await task.json()).toBe(false);
    expect((await layer.json()).tensors).toEqual(layer.specs.map((s) => s.name));
    task.dispose();
    layer.dispose();
  });

  it('plus trims τ with the k it is given: k 50 keeps more than 20 % and at most ⌊N/2⌋ + 1 of task a\'s entries', async () => {
    const c = await MergeCoefficients.fromPool(pool.pretrained, pool.experts, tasks, { granularity: 'task', plus: { k: 50 } });
    c.load({ format: 'mergelab-coefficients', version: 1, granularity: 'task', plus: true, tasks, lambda: [[1], [0], [0]] });
    const merged = c.merged();
    const [base] = pool.weights;
    let kept = 0, total = 0;
    merged.forEach((m, l) => { const got = m.dataSync(); const b = base.get(c.specs[l].name)!; for (let i = 0; i < got.length; i++) { total++; if (got[i] !== b[i]) kept++; } });
    tf.dispose(merged);
    c.dispose();
    expect(kept / total).toBeGreaterThan(0.2);
    expect(kept).toBeLessThanOrEqual(Math.floor(total / 2) + 1);
  });
});

describe('MergeCoefficients: which tensors count as trained', () => {
  it('counts a tensor iff some expert changes some entry of it (one entry of one expert is enough), with and without plus', async () => {
    // Every tensor equal to the pretrained one except: A, where expert 0 changes entry 0 only (by 5,
    // so TIES's trim keeps it: the only non-zero entry of its tensor for expert 1 is none, and the
    // largest of expert 0); C, where both experts change every entry. B stays equal everywhere.
    // So 2 live tensors of L: by hand, not from the code.
    const base = randomWeights(1);
    const names = [...base.keys()];
    const [A, B, C] = [names[0], names[5], names[names.length - 1]];
    const e0 = new Map([...base].map(([n, v]) => [n, Float32Array.from(v)]));
    const e1 = new Map([...base].map(([n, v]) => [n, Float32Array.from(v)]));
    e0.get(A)![0] += 5;
    e0.set(C, e0.get(C)!.map((v, i) => v + 0.1 * (1 + (i % 3))));
    e1.set(C, e1.get(C)!.map((v, i) => v - 0.2 * (1 + (i % 2))));
    expect(e0.get(B)).toEqual(base.get(B));
    const pretrained = await checkpointFrom('pre', base);
    const experts = [await checkpointFrom('e0', e0), await checkpointFrom('e1', e1)];
    const L = names.length;
    for (const plus of [null, { k: 20 }]) {
      for (const granularity of ['task', 'layer'] as const) {
        const c = await MergeCoefficients.fromPool(pretrained, experts, ['x', 'y'], { granularity, plus });
        expect(c.liveTensors, `${granularity} plus ${!!plus}`).toBe(2);
        expect(c.lambda.shape).toEqual([2, granularity === 'task' ? 1 : L]); // columns still follow every tensor
        expect(c.size).toBe(granularity === 'task' ? 2 : 2 * 2);
        const lw = c.layerWise();
        expect(lw.liveTensors).toBe(2);
        expect(lw.size).toBe(2 * 2);
        lw.dispose();
        c.dispose();
      }
    }
  });
});
