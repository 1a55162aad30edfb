/**
 * The WebAssembly SIMD kernels against the JavaScript reference kernels, bit for bit, on random
 * chunks seeded with the awkward values (ties at the trim threshold, zeros, −0, exact
 * cancellations, subnormals, NaN/Inf) and ragged chunk ends; then whole merges with and without
 * SIMD on a pool whose tensors span several chunks and end mid-vector.
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { assemble, generatedModule, MERGE_KERNELS } from '../../../scripts/build-wasm';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import { createRng, type Rng } from '../random';
import { mergeInMemory } from './in-memory';
import { applyScale, bitsOf, classifyDeferred, consensusFilter, dareDrop, disjointMerge, electSigns, taskArithmetic, taskVector, trimAndSum } from './kernels';
import { MagnitudeSelector } from './magnitude-select';
import { openMerge } from './open-merge';
import { SimdKernels } from './simd-kernels';
import { addWeights, checkpointFrom, randomWeights } from './test-pool.node';
import type { ParamValue } from './types';

const T = 5;
const CHUNK = 64;
const f32bits = (x: number) => bitsOf(Float32Array.of(x))[0];
const same32 = (a: Float32Array, b: Float32Array) => expect(Array.from(bitsOf(a))).toEqual(Array.from(bitsOf(b)));
const same64 = (a: Float64Array, b: Float64Array) => expect(Array.from(new BigUint64Array(a.buffer, a.byteOffset, a.length))).toEqual(Array.from(new BigUint64Array(b.buffer, b.byteOffset, b.length)));

/** θ0 and T experts of n entries: mostly θ0 + N(0, 0.01), with planted special values. */
function chunkData(rng: Rng, n: number, threshold: number): { base: Float32Array; experts: Float32Array[] } {
  const base = Float32Array.from({ length: n }, () => rng.normal() * 0.1);
  const experts = Array.from({ length: T }, () => base.map((b) => b + rng.normal() * 0.01));
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.1) experts.forEach((e) => (e[i] = base[i])); // τ = 0 for every task: S = 0
    else if (r < 0.2) { base[i] = 0; experts[Math.floor(rng.next() * T)][i] = -0; } // τ = −0
    else if (r < 0.35) experts[Math.floor(rng.next() * T)][i] = base[i] + (rng.next() < 0.5 ? -threshold : threshold); // |τ| at the threshold (up to rounding)
    else if (r < 0.45) { experts[0][i] = base[i] + 0.25; experts[1][i] = base[i] - 0.25; for (let t = 2; t < T; t++) experts[t][i] = base[i]; } // exact cancellation
    else if (r < 0.5) { base[i] = 1e-40; experts[2][i] = -3e-41; } // subnormals
    else if (r < 0.55) { base[i] = 0; experts.forEach((e, t) => (e[i] = [0.5, 0.25][t] ?? 0)); } // |τ0| = 2·|S − τ0| exactly (TALL mask at λ 2)
  }
  return { base, experts };
}

describe('WebAssembly SIMD merge kernels', () => {
  const kernels = SimdKernels.create(T, CHUNK)!;

  it('load in Node, and the committed binary is kernels.wat assembled (npm run build:wasm)', async () => {
    expect(kernels).not.toBeNull();
    expect(SimdKernels.create(T, 62)).toBeNull(); // chunks must be whole vectors
    expect(await readFile(MERGE_KERNELS.generated, 'utf8')).toBe(generatedModule(await assemble(MERGE_KERNELS), MERGE_KERNELS));
  });

  it('τ, Task Arithmetic, trim + mass, the fused TIES merge, consensus and the deferred-TIES listing match the JavaScript kernels bit for bit', () => {
    const rng = createRng(11);
    const thrValue = 0.008;
    const n = 300;
    const { base, experts } = chunkData(rng, n, thrValue);
    const ref = { taus: experts.map(() => new Float32Array(CHUNK)), kept: experts.map(() => new Float32Array(CHUNK)), S: new Float64Array(CHUNK), pos: new Uint8Array(CHUNK), merged: new Float64Array(CHUNK), count: new Uint16Array(CHUNK) };
    const numTensors = tf.memory().numTensors;
    let listed = 0;
    for (const [start, m] of [[0, 64], [64, 63], [127, 1], [128, 3], [131, 5], [136, 61], [197, 64], [261, 39]]) {
      const jsOut = new Float32Array(n);
      const wasmOut = new Float32Array(n);
      for (const scale of [0.3, -1.5, 1 / 3]) {
        expect(taskArithmetic(jsOut, base, experts, scale, ref.S, start, m)).toBe(-1);
        expect(kernels.taskArithmetic(wasmOut, base, experts, scale, start, m)).toBe(false);
        same32(wasmOut, jsOut);
      }
      experts.forEach((e, t) => expect(taskVector(ref.taus[t], e, base, start, m)).toBe(-1));
      // Thresholds: the exact |τ| bits of entries of this chunk (ties at the threshold), those + 1,
      // 0 (keep all), above every finite value (keep none), and near the planted magnitude.
      const tb = (t: number, i: number) => bitsOf(ref.taus[t])[i] & 0x7fffffff;
      const thr = [tb(0, 0), 0, 0x7f800001, tb(3, m - 1) + 1, Math.max(tb(4, m >> 1), f32bits(thrValue))];
      expect(kernels.taskVectors(base, experts, start, m)).toBe(false);
      ref.taus.forEach((tau, t) => same32(kernels.taus[t].subarray(0, m), tau.subarray(0, m)));
      trimAndSum(ref.kept, ref.S, ref.taus, thr, m);
      kernels.trimAndSum(thr, m);
      ref.kept.forEach((k, t) => same32(kernels.kept[t].subarray(0, m), k.subarray(0, m)));
      same64(kernels.S.subarray(0, m), ref.S.subarray(0, m));
      for (const [lambdaT, k] of [[0.6, 2], [0.2, 1], [2, 1], [1.5, 3], [0.6, 0], [0.4, T + 1]]) {
        const mtl = ref.S.slice();
        consensusFilter(mtl, ref.taus, lambdaT, k, new Uint8Array(CHUNK), new Uint16Array(CHUNK), m);
        applyScale(jsOut, base, mtl, 0.7, start, m);
        kernels.consensusMerge(wasmOut, lambdaT, k, 0.7, start, m);
        same32(wasmOut, jsOut);
      }
      const flags = Uint8Array.from({ length: CHUNK }, () => +(rng.next() < 0.1));
      kernels.flags.set(flags);
      const list = new Uint32Array(CHUNK);
      const js = classifyDeferred(list, flags, ref.S, ref.kept, m);
      listed += js.listed;
      expect(kernels.classifyDeferred(m)).toEqual(js);
      expect(Array.from(kernels.list.subarray(0, js.listed))).toEqual(Array.from(list.subarray(0, js.listed)));
      for (const G of [1, -1, 0]) {
        for (const aggregate of ['sum', 'mean'] as const) {
          for (const scale of [0.3, -1]) {
            electSigns(ref.pos, ref.S, G, m);
            disjointMerge(ref.merged, ref.count, ref.kept, ref.pos, aggregate, m);
            applyScale(jsOut, base, ref.merged, scale, start, m);
            kernels.tiesMerge(wasmOut, G, scale, aggregate, start, m);
            same32(wasmOut, jsOut);
          }
        }
      }
    }
    expect(listed).toBeGreaterThan(20);
    expect(tf.memory().numTensors).toBe(numTensors);
  });

  it('drop and rescale like DARE with random.ts streams, chunk after chunk', () => {
    const rng = createRng(8);
    const n = 200;
    const { base, experts } = chunkData(rng, n, 0.01);
    const seeds = [1, 0xffffffff, 12345, 0x9e3779b9, 7];
    for (const [p, rescale] of [[0.3, true], [0.9, false], [0, true], [0.5, true]] as const) {
      const streams = seeds.map((s) => createRng(s));
      const tau = new Float32Array(CHUNK);
      for (const [start, m] of [[0, 64], [64, 63], [127, 1], [128, 3], [131, 64], [195, 5]]) {
        kernels.taskVectors(base, experts, start, m);
        kernels.dareDrop(seeds, start, m, p, rescale);
        experts.forEach((e, t) => {
          taskVector(tau, e, base, start, m);
          dareDrop(tau, m, p, rescale, streams[t]);
          same32(kernels.taus[t].subarray(0, m), tau.subarray(0, m));
        });
      }
    }
  });

  it('flag NaN and ±Inf exactly when the JavaScript kernels find one, wherever it lies in the chunk', () => {
    const rng = createRng(5);
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const at of [0, 2, 37, 62]) {
        const { base, experts } = chunkData(rng, 64, 0.01);
        const poisonBase = at % 2 === 0;
        if (poisonBase) base[at] = bad;
        else experts[3][at] = bad;
        expect(kernels.taskVectors(base, experts, 0, 63)).toBe(at < 63);
        expect(kernels.taskArithmetic(new Float32Array(64), base, experts, 0.3, 0, 63)).toBe(taskArithmetic(new Float32Array(64), base, experts, 0.3, new Float64Array(64), 0, 63) >= 0);
      }
    }
    // Finite inputs whose sum overflows float64 before scaling are flagged by both; float32 overflow after rounding by neither.
    const base = new Float32Array(4);
    const huge = [Float32Array.of(3e38, 3e38, 0, 0), Float32Array.of(3e38, 0, 0, 0), Float32Array.of(3e38, 0, 0, 0), Float32Array.of(3e38, 0, 0, 0), Float32Array.of(3e38, 0, 0, 0)];
    expect(kernels.taskArithmetic(new Float32Array(4), base, huge, 1e300, 0, 4)).toBe(true);
    expect(kernels.taskArithmetic(new Float32Array(4), base, huge, 1, 0, 4)).toBe(false);
    expect(taskArithmetic(new Float32Array(4), base, huge, 1, new Float64Array(4), 0, 4)).toBe(-1);
  });

  it('count the coarse and fine magnitude histograms, and flag the threshold bucket, as MagnitudeSelector does', () => {
    const rng = createRng(3);
    const { base, experts } = chunkData(rng, 64 * 7, 0.01);
    const js = experts.map(() => ({ coarse: new Uint32Array(1 << 16), fine: new Uint32Array(1 << 15) }));
    // k = 95 % puts task 4's threshold in the bucket of zeros (subnormals), which the zero padding of a ragged chunk end must not enter.
    const k = (t: number) => (t === 4 ? 95 : 30);
    const sjs = js.map((h, t) => new MagnitudeSelector(k(t), h));
    const swasm = experts.map((_, t) => new MagnitudeSelector(k(t), { coarse: kernels.coarse[t], fine: kernels.fine[t] }));
    const taus = experts.map(() => new Float32Array(CHUNK));
    const chunks = [[0, 64], [64, 61], [125, 3], [128, 64], [192, 64], [256, 64], [320, 64], [384, 64]];
    for (const [start, m] of chunks) {
      experts.forEach((e, t) => { taskVector(taus[t], e, base, start, m); sjs[t].addCoarse(taus[t], m); });
      kernels.taskVectors(base, experts, start, m);
      kernels.histCoarse(m);
    }
    js.forEach((h, t) => expect(kernels.coarse[t]).toEqual(h.coarse));
    const needs = sjs.map((s) => s.needsFinePass());
    expect(swasm.map((s) => s.needsFinePass())).toEqual(needs);
    expect(needs[4]).toBe(true);
    expect(swasm[4].fineBucket).toBe(0);
    for (const [start, m] of chunks) {
      const flagsJs = new Uint8Array(CHUNK);
      kernels.flags.fill(0);
      kernels.taskVectors(base, experts, start, m);
      experts.forEach((e, t) => {
        if (!needs[t]) return;
        taskVector(taus[t], e, base, start, m);
        sjs[t].addFine(taus[t], m, flagsJs);
        kernels.histFine(t, swasm[t].fineBucket, m);
      });
      expect(kernels.flags).toEqual(flagsJs);
    }
    js.forEach((h, t) => expect(kernels.fine[t]).toEqual(h.fine));
    expect(swasm.map((s) => s.thresholdBits())).toEqual(sjs.map((s) => s.thresholdBits()));
  });
});

// Tensors of 9,300 entries (two of the merge's 8,192-entry chunks), and 62- and 310-entry ones that end mid-vector.
const ODD: ClipVisionConfig = {
  hiddenSize: 62, intermediateSize: 150, numLayers: 1, numHeads: 2, imageSize: 8, patchSize: 4,
  numChannels: 3, projectionDim: 5, hiddenAct: 'quick_gelu', layerNormEps: 1e-5,
};

describe('merges with and without WebAssembly SIMD', () => {
  let pretrained: Checkpoint;
  let experts: Checkpoint[];
  beforeAll(async () => {
    const base = randomWeights(21, 0.1, ODD);
    const tied = randomWeights(22, 0.01, ODD);
    const weights = [0, 1, 2].map((t) => {
      const w = addWeights(base, randomWeights(30 + t, 0.01 * (t + 1), ODD));
      // Some entries equal across experts (ties in |τ|) and some unchanged (τ = 0).
      for (const [name, v] of w) v.forEach((_, i) => { if (i % 7 === 0) v[i] = base.get(name)![i] + tied.get(name)![i]; if (i % 11 === 0) v[i] = base.get(name)![i]; });
      return w;
    });
    pretrained = await checkpointFrom('pretrained', base, ODD);
    experts = await Promise.all(weights.map((w, t) => checkpointFrom(`expert-${t}`, w, ODD)));
  });

  const cases: [string, Record<string, ParamValue>][] = [
    ['average', {}], ['task_arithmetic', {}], ['ties', {}], ['ties', { aggregate: 'mean', lambda: 1, k: 35 }], ['ties', { k: 100 }],
    ['dare', {}], ['dare', { base: 'ties', scope: 'linear' }], ['consensus', {}], ['consensus', { base: 'ties' }],
  ];
  it.each(cases)('%s %j gives the same bits', async (method, params) => {
    const numTensors = tf.memory().numTensors;
    const js = await mergeInMemory({ pretrained, experts, method, params }, { simd: false });
    const wasm = await mergeInMemory({ pretrained, experts, method, params });
    for (const [name, v] of js.values) same32(wasm.values.get(name)!, v);
    expect(tf.memory().numTensors).toBe(numTensors);
  });

  it('gives the same TIES selected entries and consensus retrieved models, and uses SIMD when asked', async () => {
    const [js, wasm] = await Promise.all([{ simd: false }, {}].map((o) => openMerge({ pretrained, experts, method: 'ties' }, o)));
    expect(js.merge.simd).toBeNull();
    expect(wasm.merge.simd).not.toBeNull();
    for (let i = 0; i < pretrained.params.length; i++) {
      const [a, b] = [await js.merge.selected(i), await wasm.merge.selected(i)];
      a.forEach((v, t) => same32(b[t], v));
    }
    const [cj, cw] = await Promise.all([{ simd: false }, {}].map((o) => openMerge({ pretrained, experts, method: 'consensus' }, o)));
    for (let i = 0; i < pretrained.params.length; i++) same32(await cw.merge.retrieved(i, 1), await cj.merge.retrieved(i, 1));
  });

  it('reports a NaN with the same message either way', async () => {
    const w = randomWeights(40, 0.1, ODD);
    const name = 'vision_model.encoder.layers.0.mlp.fc1.weight';
    w.set(name, w.get(name)!.map((x, i) => (i === 8200 ? NaN : x)));
    const poisoned = await checkpointFrom('poisoned', w, ODD);
    for (const method of ['task_arithmetic', 'ties']) {
      const run = (simd: boolean) => mergeInMemory({ pretrained, experts: [experts[0], poisoned], method }, { simd }).then(() => 'no error', (e: Error) => e.message);
      const message = await run(false);
      expect(message).toMatch(/model "poisoned": tensor "vision_model\.encoder\.layers\.0\.mlp\.fc1\.weight" contains NaN at element 8200/);
      expect(await run(true)).toBe(message);
    }
  });
});
