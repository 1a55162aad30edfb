/**
 * TIES with one pass less (deferred-ties.ts) against the route with both scan passes, bit for bit,
 * with and without SIMD, on pools with exact cancellations (S = 0 with kept values, whose sign is
 * G's), ties in |τ|, τ = 0, and a majority sign G of either side; plus both ways back to the extra
 * pass (undecided entries over the memory budget, too many cancellations).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import { mergeInMemory } from './in-memory';
import { bitsOf } from './kernels';
import type { MergeProgress, MergeRunOptions } from './task-vector-merge';
import { addWeights, checkpointFrom, randomWeights, type Weights } from './test-pool.node';
import type { ParamValue } from './types';

// Tensors spanning two 8,192-entry chunks and ones ending mid-vector.
const ODD: ClipVisionConfig = {
  hiddenSize: 62, intermediateSize: 150, numLayers: 1, numHeads: 2, imageSize: 8, patchSize: 4,
  numChannels: 3, projectionDim: 5, hiddenAct: 'quick_gelu', layerNormEps: 1e-5,
};

/**
 * 3 experts. Exact cancellations (θ0 = 0 there, so τ is exact): every 13th entry (+x, −x, 0) with x
 * of the size of the other τ (some land in the threshold buckets), every 17th (+0.5, −0.25, −0.25)
 * (always kept; sum and mean differ). Every 7th entry a tie in |τ|, every 11th τ = 0. `sign` −1
 * makes the other τ negative (G < 0).
 */
async function pool(seed: number, sign: 1 | -1): Promise<{ pretrained: Checkpoint; experts: Checkpoint[] }> {
  const base = randomWeights(seed, 0.1, ODD);
  const tied = randomWeights(seed + 1, 0.02, ODD);
  for (const v of base.values()) v.forEach((_, i) => { if (i % 13 === 0 || i % 17 === 0) v[i] = 0; });
  const weights: Weights[] = [0, 1, 2].map((t) => {
    const noise = randomWeights(seed + 10 + t, 0.01 * (t + 1), ODD);
    if (sign < 0) for (const v of noise.values()) v.forEach((x, i) => (v[i] = -Math.abs(x)));
    const w = addWeights(base, noise);
    for (const [name, v] of w) {
      const b = base.get(name)!;
      const x = tied.get(name)!;
      v.forEach((_, i) => {
        if (i % 13 === 0) v[i] = [Math.abs(x[i]), -Math.abs(x[i]), 0][t];
        else if (i % 17 === 0) v[i] = [0.5, -0.25, -0.25][t];
        else if (i % 7 === 0) v[i] = b[i] + x[i];
        else if (i % 11 === 0) v[i] = b[i];
      });
    }
    return w;
  });
  return { pretrained: await checkpointFrom('pretrained', base, ODD), experts: await Promise.all(weights.map((w, t) => checkpointFrom(`expert-${t}`, w, ODD))) };
}

async function run(p: { pretrained: Checkpoint; experts: Checkpoint[] }, params: Record<string, ParamValue>, opts: MergeRunOptions = {}) {
  const events: MergeProgress[] = [];
  const { method = 'ties', ...rest } = params;
  const r = await mergeInMemory({ ...p, method: method as string, params: rest }, { ...opts, onProgress: (e) => events.push({ ...e }) });
  return { values: r.values, stages: [...new Set(events.map((e) => `${e.stage}${e.pass}`))] };
}

function expectSameBits(a: Map<string, Float32Array>, b: Map<string, Float32Array>): void {
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [name, v] of a) expect(Array.from(bitsOf(b.get(name)!)), name).toEqual(Array.from(bitsOf(v)));
}

const DEFER = 192 * 2 ** 20;

let positive: { pretrained: Checkpoint; experts: Checkpoint[] };
let negative: { pretrained: Checkpoint; experts: Checkpoint[] };
beforeAll(async () => {
  positive = await pool(50, 1);
  negative = await pool(60, -1);
});

describe('TIES with one pass less', () => {
  const cases: Record<string, ParamValue>[] = [{}, { aggregate: 'mean', lambda: 1, k: 35 }, { k: 100 }, { method: 'dare', base: 'ties', p: 0.3 }];
  it.each(cases)('%j: same bits as with both scan passes, one pass fewer, with and without SIMD, either sign of G', async (params) => {
    const numTensors = tf.memory().numTensors;
    for (const p of [positive, negative]) {
      // k = 100 %: pass 1 finds the threshold exact, and the sign takes the second scan.
      const twoScans = await run(p, params); // the default
      expect(twoScans.stages).toEqual(['scan1', 'scan2', 'merge3']);
      for (const simd of [true, false]) {
        const deferred = await run(p, params, { simd, deferBytes: DEFER });
        expect(deferred.stages).toEqual(['scan1', 'merge2']);
        expectSameBits(twoScans.values, deferred.values);
      }
    }
    expect(tf.memory().numTensors).toBe(numTensors);
  });

  it('takes the second scan pass when the undecided entries would not fit in deferBytes', async () => {
    const both = await run(negative, {}, { deferBytes: 0 });
    const tight = await run(negative, {}, { deferBytes: 1 });
    expect(tight.stages).toEqual(['scan1', 'scan2', 'merge3']);
    expectSameBits(both.values, tight.values);
  });

  it('gives up its held outputs for a separate merge pass after too many cancellations (exact thresholds and G kept)', async () => {
    for (const p of [positive, negative]) {
      const both = await run(p, { aggregate: 'mean', lambda: 1 }, { deferBytes: 0 });
      // 6 KB holds the undecided entries but not 512 cancellations (every 17th of ~37k entries is one).
      const few = await run(p, { aggregate: 'mean', lambda: 1 }, { deferBytes: 6144 });
      expect(few.stages).toEqual(['scan1', 'merge2', 'merge3']);
      expectSameBits(both.values, few.values);
    }
  });
});
