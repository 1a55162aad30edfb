/** Properties of the closed-form methods on tiny synthetic pools (built as real checkpoints). */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { mergeInMemory } from './in-memory';
import { openMerge } from './open-merge';
import type { ParamValue } from './types';
import { TINY, type Weights, checkpointFrom, denseTies, maxAbsDiff, syntheticPool } from './test-pool.node';

let pool: { pretrained: Checkpoint; experts: Checkpoint[]; weights: Weights[] };
beforeAll(async () => {
  pool = await syntheticPool(4);
});

const merge = async (method: string, params: Record<string, ParamValue> = {}, experts = pool.experts) =>
  (await mergeInMemory({ pretrained: pool.pretrained, experts, method, params })).values;

/** θ0 + s·Σt (θt − θ0), computed directly in float64 from the synthetic weights. */
function taskArithmeticRef(scale: number, tasks = pool.weights.length - 1): Weights {
  const [base, ...experts] = pool.weights;
  return new Map([...base].map(([n, b]) => [n, b.map((x, i) => x + scale * experts.slice(0, tasks).reduce((a, e) => a + Math.fround(e.get(n)![i] - x), 0))]));
}

describe('merge properties', () => {
  it('Task Arithmetic and averaging match their formulas', async () => {
    expect(maxAbsDiff(await merge('task_arithmetic', { lambda: 0.7 }), taskArithmeticRef(0.7))).toBeLessThan(1e-7);
    const [, ...experts] = pool.weights;
    const mean: Weights = new Map([...experts[0].keys()].map((n) => [n, experts[0].get(n)!.map((_, i) => experts.reduce((a, e) => a + e.get(n)![i], 0) / experts.length)]));
    expect(maxAbsDiff(await merge('average'), mean)).toBeLessThan(1e-7);
  });

  it('λ = 0 gives θ0 for every method with a scale', async () => {
    for (const [method, params] of [['task_arithmetic', { lambda: 0 }], ['ties', { lambda: 0 }], ['dare', { lambda: 0 }], ['dare', { lambda: 0, base: 'ties' }], ['consensus', { alpha: 0 }]] as const) {
      expect(maxAbsDiff(await merge(method, params), pool.weights[0]), method).toBe(0);
    }
  });

  it('TIES with k = 100 % and one expert equals Task Arithmetic (both aggregates)', async () => {
    const one = pool.experts.slice(0, 1);
    const ta = await merge('task_arithmetic', { lambda: 0.4 }, one);
    expect(maxAbsDiff(await merge('ties', { k: 100, lambda: 0.4, aggregate: 'sum' }, one), ta)).toBe(0);
    expect(maxAbsDiff(await merge('ties', { k: 100, lambda: 0.4, aggregate: 'mean' }, one), ta)).toBe(0);
    // With several experts TIES is not TA (signs disagree somewhere): the property is not vacuous.
    expect(maxAbsDiff(await merge('ties', { k: 100, lambda: 0.4 }), await merge('task_arithmetic', { lambda: 0.4 }))).toBeGreaterThan(1e-3);
  });

  it('DARE with p = 0 equals its base method exactly', async () => {
    expect(maxAbsDiff(await merge('dare', { p: 0, lambda: 0.3 }), await merge('task_arithmetic', { lambda: 0.3 }))).toBe(0);
    expect(maxAbsDiff(await merge('dare', { p: 0, base: 'ties', lambda: 0.5, k: 20 }), await merge('ties', { lambda: 0.5, k: 20, aggregate: 'sum' }))).toBe(0);
  });

  it('DARE is deterministic per seed and differs between seeds', async () => {
    const a = await merge('dare', { seed: 5 });
    expect(maxAbsDiff(a, await merge('dare', { seed: 5 }))).toBe(0);
    expect(maxAbsDiff(a, await merge('dare', { seed: 6 }))).toBeGreaterThan(1e-3);
  });

  it("DARE's mean over seeds approaches Task Arithmetic (rescaled drops are unbiased)", async () => {
    const ta = await merge('task_arithmetic', { lambda: 0.3 });
    const sum: Weights = new Map([...ta].map(([n, v]) => [n, new Float32Array(v.length)]));
    const errAfter = (seeds: number) => {
      const mean: Weights = new Map([...sum].map(([n, v]) => [n, v.map((x) => x / seeds)]));
      return maxAbsDiff(mean, ta);
    };
    const errs: number[] = [];
    for (let s = 0; s < 64; s++) {
      const m = await merge('dare', { p: 0.5, seed: s, lambda: 0.3 });
      for (const [n, v] of m) sum.get(n)!.forEach((_, i, acc) => { acc[i] += v[i]; });
      if (s === 3 || s === 63) errs.push(errAfter(s + 1));
    }
    expect(errs[1]).toBeLessThan(errs[0] / 2.5); // ~1/√seeds: 16× the seeds, ~4× smaller error
    expect(errs[1]).toBeLessThan(0.05);
  });

  it('DARE scope "linear" leaves tensors outside linear layers as Task Arithmetic has them', async () => {
    const dare = await merge('dare', { p: 0.9, scope: 'linear' });
    const ta = await merge('task_arithmetic', { lambda: 0.3 });
    for (const [name, v] of dare) {
      const same = maxAbsDiff(new Map([[name, v]]), new Map([[name, ta.get(name)!]])) === 0;
      expect(same, name).toBe(!/(_proj|fc1|fc2|visual_projection)\.weight$/.test(name));
    }
  });

  it('consensus with k = 0 is its base scaled by α; with k above the pool size it is θ0 (with a note)', async () => {
    expect(maxAbsDiff(await merge('consensus', { k: 0, alpha: 0.3 }), await merge('task_arithmetic', { lambda: 0.3 }))).toBe(0);
    expect(maxAbsDiff(await merge('consensus', { k: 0, alpha: 0.3, base: 'ties' }), await merge('ties', { lambda: 0.3 }))).toBe(0);
    // At its defaults α is the base's own scaling: k = 0 (no mask) then gives the base at ITS defaults,
    // and a TIES base follows the TIES settings given (trim, dis-mean with λ 1).
    expect(maxAbsDiff(await merge('consensus', { k: 0 }), await merge('task_arithmetic', {}))).toBe(0);
    expect(maxAbsDiff(await merge('consensus', { k: 0, base: 'ties' }), await merge('ties', {}))).toBe(0);
    expect(maxAbsDiff(await merge('consensus', { k: 0, base: 'ties', ties_k: 50, aggregate: 'mean' }), await merge('ties', { k: 50, aggregate: 'mean' }))).toBe(0);
    expect(maxAbsDiff(await merge('consensus', { k: 0, base: 'ties', ties_k: 50 }), await merge('ties', {}))).toBeGreaterThan(0); // the trim is used
    const r = await mergeInMemory({ pretrained: pool.pretrained, experts: pool.experts, method: 'consensus', params: { k: 5 } });
    expect(maxAbsDiff(r.values, pool.weights[0])).toBe(0);
    expect(r.notes.join()).toMatch(/k = 5 is more than the 4 expert/);
  });
});

describe('experts without visual_projection (FusionBench layout)', () => {
  it("keep the pretrained projection and merge every other tensor", async () => {
    const [base, ...experts] = pool.weights;
    const noProj = await Promise.all(experts.map((w, t) => checkpointFrom(`noproj-${t}`, new Map([...w].filter(([n]) => n !== 'visual_projection.weight')), { ...TINY, projectionDim: null })));
    for (const method of ['task_arithmetic', 'ties', 'consensus']) {
      const r = await mergeInMemory({ pretrained: pool.pretrained, experts: noProj, method });
      expect(r.values.get('visual_projection.weight'), method).toEqual(base.get('visual_projection.weight'));
      expect(r.notes.join(), method).toMatch(/pretrained model's projection is applied/);
    }
    const ta = await mergeInMemory({ pretrained: pool.pretrained, experts: noProj, method: 'task_arithmetic' });
    const ref = taskArithmeticRef(0.3);
    ref.set('visual_projection.weight', base.get('visual_projection.weight')!);
    expect(maxAbsDiff(ta.values, ref)).toBeLessThan(1e-7);
  });
});

describe('TIES passes', () => {
  it('settles the majority sign inside pass 2 on a Gaussian pool (3 passes) and equals a dense reference', async () => {
    const { merge } = await openMerge({ pretrained: pool.pretrained, experts: pool.experts, method: 'ties', params: { aggregate: 'mean', lambda: 1 } });
    expect(merge.progressNow('scan').passes).toBe(3);
    const merged: Weights = new Map();
    for (let i = 0; i < merge.reader.specs.length; i++) merged.set(merge.reader.specs[i].name, await merge.merged(i));
    const [base, ...experts] = pool.weights;
    expect(maxAbsDiff(merged, denseTies(base, experts, 20, 'global'))).toBeLessThan(1e-7);
  });
});

describe('per-task outputs', () => {
  it('TIES selected entries: kept (top-k of the whole model) and sign-agreeing τt, summing to the dis-sum merge', async () => {
    const { merge } = await openMerge({ pretrained: pool.pretrained, experts: pool.experts, method: 'ties', params: { k: 30, lambda: 1 } });
    const [base, ...experts] = pool.weights;
    let kept = 0;
    let total = 0;
    for (let i = 0; i < merge.reader.specs.length; i++) {
      const name = merge.reader.specs[i].name;
      const sel = await merge.selected(i);
      const merged = await merge.merged(i);
      sel.forEach((s, t) => s.forEach((v, j) => {
        total++;
        if (v === 0) return;
        kept++;
        expect(v).toBe(Math.fround(experts[t].get(name)![j] - base.get(name)![j])); // an untouched τ entry
        expect(Math.sign(v)).toBe(Math.sign(merged[j] - base.get(name)![j])); // agrees with the merge
      }));
      merged.forEach((m, j) => expect(m).toBeCloseTo(base.get(name)![j] + sel.reduce((a, s) => a + s[j], 0), 6));
    }
    // At most 30 % of each task's entries survive the trim (fewer after the sign election).
    expect(kept / total).toBeLessThanOrEqual(0.3 + 1e-4);
    expect(kept / total).toBeGreaterThan(0.15);
  });

  it('consensus retrieved model t = θ0 + mt ⊙ Σ τ, with mt the TALL mask of task t', async () => {
    const { merge } = await openMerge({ pretrained: pool.pretrained, experts: pool.experts, method: 'consensus', params: { lambda_t: 0.4 } });
    const [base, ...experts] = pool.weights;
    for (let i = 0; i < merge.reader.specs.length; i++) {
      const name = merge.reader.specs[i].name;
      const b = base.get(name)!;
      const taus = experts.map((e) => e.get(name)!.map((x, j) => x - b[j]));
      const mtl = b.map((_, j) => taus.reduce((a, tau) => a + tau[j], 0));
      for (let t = 0; t < experts.length; t++) {
        const r = await merge.retrieved(i, t);
        r.forEach((v, j) => {
          const m = Math.abs(taus[t][j]) > 0.4 * Math.abs(mtl[j] - taus[t][j]);
          expect(v).toBeCloseTo(m ? b[j] + mtl[j] : b[j], 6);
        });
      }
    }
  });
});
