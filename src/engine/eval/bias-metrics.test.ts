// Representation-bias metrics (METHODS.md §10) on hand-computed inputs: the distances, the per-layer
// bias and the report. The same metrics on the demo zoo are in bias.test.ts.
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { BiasInputError, biasReport, layerBias, meanCosineDistance, meanL1Distance, type Representations } from './bias';

const f32 = (...v: number[]) => Float32Array.from(v);
const randn = (n: number, seed: number) => { const r = createRng(seed); return Float32Array.from({ length: n }, () => r.normal()); };

describe('distances on hand-computed inputs', () => {
  const a = f32(1, 2, 3, 4); // [2, 2]
  const b = f32(1, 0, 0, 4);

  it('mean L1 is the mean |a − b| over all entries', () => {
    expect(meanL1Distance(a, b, 2, 2)).toBeCloseTo((0 + 2 + 3 + 0) / 4, 12);
  });

  it('cosine distance is the mean of 1 − cos per row', () => {
    // row 0: (1,2)·(1,0) = 1, |a| = √5, |b| = 1; row 1: (3,4)·(0,4) = 16, 5 · 4
    expect(meanCosineDistance(a, b, 2, 2)).toBeCloseTo((1 - 1 / Math.sqrt(5) + (1 - 16 / 20)) / 2, 7);
  });

  it('zero rows: both zero → 0, one zero → 1; opposite rows → 2', () => {
    expect(meanCosineDistance(f32(0, 0), f32(0, 0), 1, 2)).toBe(0);
    expect(meanCosineDistance(f32(0, 0), f32(1, 0), 1, 2)).toBe(1);
    expect(meanCosineDistance(f32(3, 4), f32(0, 0), 1, 2)).toBe(1); // the zero row on either side
    expect(meanCosineDistance(f32(1, -2), f32(-1, 2), 1, 2)).toBeCloseTo(2, 12);
  });

  it('properties: zero on identical inputs, symmetric, cosine ignores positive row scales, L1 scales linearly', () => {
    const x = randn(5 * 7, 1);
    const y = randn(5 * 7, 2);
    expect(meanL1Distance(x, x, 5, 7)).toBe(0);
    expect(meanCosineDistance(x, x, 5, 7)).toBeCloseTo(0, 6);
    expect(meanL1Distance(x, y, 5, 7)).toBeCloseTo(meanL1Distance(y, x, 5, 7), 12);
    expect(meanCosineDistance(x, y, 5, 7)).toBeCloseTo(meanCosineDistance(y, x, 5, 7), 12);
    const y3 = y.map((v, i) => v * (1 + Math.floor(i / 7))); // row i scaled by i + 1
    expect(meanCosineDistance(x, y3, 5, 7)).toBeCloseTo(meanCosineDistance(x, y, 5, 7), 6);
    expect(meanL1Distance(x.map((v) => 3 * v), y.map((v) => 3 * v), 5, 7)).toBeCloseTo(3 * meanL1Distance(x, y, 5, 7), 5);
  });

  it('rejects shapes that do not match with a typed error', () => {
    expect(() => meanL1Distance(a, f32(1, 2, 3), 2, 2)).toThrow(BiasInputError);
    expect(() => meanCosineDistance(a, b, 0, 2)).toThrow(/at least one image/);
  });
});

describe('report', () => {
  // 2 images, 1 block (CLS entries: embeddings, block 1), D = 2, P = 3.
  const rep = (e: number[], b1: number[], z: number[]): Representations => ({ n: 2, dim: 3, z: f32(...z), cls: [f32(...e), f32(...b1)] });
  const expert = rep([1, 1, 1, 1], [1, 0, 0, 1], [1, 0, 0, 0, 1, 0]);
  const model = rep([1, 1, 1, 1], [0, 1, 0, 1], [2, 0, 0, 0, 1, 1]);

  it('lists every layer, CLS entries first then z, with hand-computed values', () => {
    const b = layerBias(model, expert);
    expect(b.l1).toEqual([0, (1 + 1 + 0 + 0) / 4, (1 + 0 + 0 + 0 + 0 + 1) / 6]);
    expect(b.cosine[0]).toBeCloseTo(0, 12);
    expect(b.cosine[1]).toBeCloseTo((1 + 0) / 2, 12); // (0,1)⊥(1,0); (0,1) = (0,1)
    expect(b.cosine[2]).toBeCloseTo((0 + 1 - 1 / Math.SQRT2) / 2, 7);
  });

  it('is shaped [model][task][layer] with an all-tasks mean', () => {
    const r = biasReport({
      tasks: ['a', 'b'],
      experts: { a: expert, b: model },
      models: [{ key: 'm', label: 'M', features: { a: model, b: model } }, { key: 'e', label: 'E', features: { a: expert, b: expert } }],
    });
    expect(r.layers).toEqual(['embeddings', 'block 1', 'z']);
    expect(r.models).toEqual([{ key: 'm', label: 'M' }, { key: 'e', label: 'E' }]);
    expect(r.l1[0][0]).toEqual(layerBias(model, expert).l1);
    expect(r.l1[0][1]).toEqual([0, 0, 0]);
    expect(r.meanL1[0]).toEqual(r.l1[0][0].map((v) => v / 2));
    expect(r.meanCosine[1]).toEqual(r.cosine[1][1].map((v, l) => (v + r.cosine[1][0][l]) / 2));
  });

  it('names what is missing or mismatched', () => {
    expect(() => biasReport({ tasks: ['a', 'b'], experts: { a: expert }, models: [{ key: 'm', label: 'M', features: { a: model } }] }))
      .toThrow(/the expert of b, M on b/);
    expect(() => layerBias({ ...model, cls: null }, expert)).toThrow(/without hidden states/);
    expect(() => layerBias({ ...model, n: 1 }, expert)).toThrow(/same images/);
  });
});

describe('typed errors for every mismatch', () => {
  const f32 = (...v: number[]) => Float32Array.from(v);
  const rep = (n: number, dim: number, D: number, layers: number): Representations => ({ n, dim, z: new Float32Array(n * dim), cls: Array.from({ length: layers }, () => new Float32Array(n * D)) });

  it('distances need n ≥ 1 and d ≥ 1, and both inputs of n·d values', () => {
    expect(() => meanL1Distance(f32(), f32(), 2, 0)).toThrow(/at least one image and one dimension/);
    expect(() => meanCosineDistance(f32(), f32(), 0, 3)).toThrow(/at least one image and one dimension/);
    expect(() => meanL1Distance(f32(1, 2, 3), f32(1, 2, 3, 4), 2, 2)).toThrow(/3 and 4 values/);
    expect(() => meanCosineDistance(f32(1, 2, 3, 4), f32(1, 2), 2, 2)).toThrow(BiasInputError);
  });

  it('is a MergelabError the UI can show: code bias-input, its name, a hint on how to compute the features', () => {
    let caught: unknown;
    try { meanL1Distance(f32(), f32(), 0, 1); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(BiasInputError);
    expect((caught as BiasInputError).toJSON()).toEqual({
      name: 'BiasInputError', code: 'bias-input', message: 'Bias needs at least one image and one dimension, got n = 0, d = 1.',
      hint: 'Compute every model\'s features on the same images with hiddenStates on (collectBiasFeatures does).',
    });
  });

  it('layerBias names a missing CLS on either side, a layer-count or a dimension mismatch', () => {
    const ok = rep(2, 3, 4, 3);
    expect(() => layerBias(ok, { ...ok, cls: null })).toThrow(/without hidden states/);
    expect(() => layerBias(ok, rep(2, 3, 4, 2))).toThrow(/3 layers and 3-d features, the expert 2 and 3-d/);
    expect(() => layerBias(ok, rep(2, 5, 4, 3))).toThrow(/3 layers and 3-d features, the expert 3 and 5-d/);
    expect(layerBias(ok, ok)).toEqual({ l1: [0, 0, 0, 0], cosine: [0, 0, 0, 0] });
  });

  it('biasReport needs a task, and names the layers embeddings, block 1 … block L, z', () => {
    expect(() => biasReport({ tasks: [], experts: {}, models: [] })).toThrow(/at least one task/);
    const e = rep(1, 2, 2, 4); // L = 3 blocks
    expect(biasReport({ tasks: ['t'], experts: { t: e }, models: [] }).layers).toEqual(['embeddings', 'block 1', 'block 2', 'block 3', 'z']);
  });
});
