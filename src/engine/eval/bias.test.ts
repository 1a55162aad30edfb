import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSuiteDir } from '../data/suite-dir.node';
import type { Suite } from '../data/suite';
import { loadParams } from '../model/clip-vit/load';
import { mergeToParamMap } from '../merge/in-memory';
import { disposeParams, type ParamMap } from '../params/param-map';
import { createRng } from '../random';
import { resolveTrainedParams } from '../correct/registry';
import { SurgeryModel } from '../correct/surgery';
import { BiasInputError, type BiasInput, type BiasProgress, type BiasReport, biasReport, collectBiasFeatures, layerBias, meanCosineDistance, meanL1Distance, type Representations } from './bias';
import { SuiteEvaluator } from './evaluate';

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

describe('on the demo zoo', () => {
  const LIMIT = 24;
  let suite: Suite;
  let ev: SuiteEvaluator;
  let pretrained: ParamMap;
  let ta: ParamMap;
  let input: BiasInput;
  let report: BiasReport;
  let selfBias: number[];
  const progress: BiasProgress[] = [];
  let leaked = 0;

  beforeAll(async () => {
    suite = await openSuiteDir('public/zoo/mini8');
    ev = new SuiteEvaluator(suite);
    const before = tf.memory().numTensors;
    pretrained = await loadParams(suite.pretrained);
    ta = (await mergeToParamMap({ pretrained: suite.pretrained, experts: [...suite.experts.values()], method: 'task_arithmetic', params: { lambda: 0.3 } })).weights;
    input = await collectBiasFeatures(ev, [
      { key: 'pretrained', label: 'Pretrained', params: pretrained },
      { key: 'ta', label: 'Task Arithmetic', params: ta },
    ], { limit: LIMIT, batchSize: 50, onProgress: (p) => progress.push(p) });
    report = biasReport(input);
    // The experts' own features, measured against themselves, through the same cache.
    const self = await ev.checkpointFeatures(suite.experts.get('digits')!, 'digits', { limit: LIMIT, hiddenStates: true });
    selfBias = layerBias(self, self).l1;
    disposeParams(pretrained);
    disposeParams(ta);
    leaked = tf.memory().numTensors - before;
  }, 300_000);
  afterAll(() => ev.dispose());

  it('leaks no tensors and reports progress over every (model, task)', () => {
    expect(leaked).toBe(0);
    const tasks = suite.manifest.tasks.length;
    expect(progress.at(-1)).toMatchObject({ model: 'Task Arithmetic', task: suite.manifest.tasks.at(-1)!.name, done: LIMIT, total: LIMIT, step: 3 * tasks - 1, steps: 3 * tasks });
    expect(new Set(progress.map((p) => p.model))).toEqual(new Set(['expert', 'Pretrained', 'Task Arithmetic']));
  });

  it('an expert has zero bias to itself; pretrained and the merge have positive final-layer bias', () => {
    expect(report.layers).toHaveLength(4 + 2);
    expect(selfBias).toEqual(report.layers.map(() => 0));
    const z = report.layers.length - 1;
    for (const m of [0, 1]) for (let t = 0; t < report.tasks.length; t++) expect(report.l1[m][t][z]).toBeGreaterThan(0);
  });

  it('bias grows block by block for pretrained and the merge (the drift accumulates with depth)', () => {
    for (const m of [0, 1]) {
      const blocks = report.meanL1[m].slice(0, -1); // embeddings … block L
      for (let l = 1; l < blocks.length; l++) expect(blocks[l], `${report.models[m].label} ${report.layers[l]}`).toBeGreaterThan(blocks[l - 1]);
    }
  });

  it('order on a task: expert (0) < half-way from pretrained to the expert < pretrained, at every layer past the embeddings', async () => {
    const task = 'digits';
    const half = (await mergeToParamMap({ pretrained: suite.pretrained, experts: [suite.experts.get(task)!], method: 'task_arithmetic', params: { lambda: 0.5 } })).weights;
    try {
      const f = await ev.features({ key: 'half-way', params: half }, task, { limit: LIMIT, hiddenStates: true });
      const halfway = layerBias(f, await ev.checkpointFeatures(suite.experts.get(task)!, task, { limit: LIMIT, hiddenStates: true }));
      const t = report.tasks.indexOf(task);
      for (let l = 1; l < report.layers.length; l++) {
        expect(halfway.l1[l], report.layers[l]).toBeGreaterThan(0);
        expect(halfway.l1[l], report.layers[l]).toBeLessThan(report.l1[0][t][l]);
        expect(halfway.cosine[l], report.layers[l]).toBeLessThan(report.cosine[0][t][l]);
      }
    } finally {
      disposeParams(half);
    }
  });

  it('Representation Surgery (quick schedule) on the merge lowers its final-layer bias on every task; the blocks are untouched', async () => {
    const before = tf.memory().numTensors;
    const merged = input.models[1].features;
    const model = new SurgeryModel(input.tasks.map((t) => ({ name: t, head: suite.heads.get(t)!, n: LIMIT, merged: merged[t].z, individual: input.experts[t].z })),
      resolveTrainedParams('surgery', {}, 'quick'), suite.manifest.logitScale, createRng(0));
    try {
      for (let i = 0; i < model.totalSteps; i++) await model.step(i);
      const corrected: Record<string, Representations> = Object.fromEntries(input.tasks.map((t, i) => [t, { ...merged[t], z: model.corrected(i) }]));
      const r = biasReport({ ...input, models: [input.models[1], { key: 'ta+surgery', label: 'TA + Surgery', features: corrected }] });
      const z = r.layers.length - 1;
      for (let t = 0; t < r.tasks.length; t++) {
        expect(r.l1[1][t][z], r.tasks[t]).toBeLessThan(r.l1[0][t][z]);
        expect(r.l1[1][t].slice(0, z)).toEqual(r.l1[0][t].slice(0, z));
      }
      expect(r.meanCosine[1][z]).toBeLessThan(r.meanCosine[0][z]);
    } finally {
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
