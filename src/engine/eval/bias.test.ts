import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSuiteDir } from '../data/suite-dir.node';
import type { Suite } from '../data/suite';
import { loadParams } from '../model/clip-vit/load';
import { mergeToParamMap } from '../merge/in-memory';
import { disposeParams, type ParamMap } from '../params/param-map';
import { createRng } from '../random';
import { resolveTrainedParams } from '../catalogue';
import { SurgeryModel } from '../trained/surgery';
import { type BiasInput, type BiasProgress, type BiasReport, biasReport, collectBiasFeatures, layerBias, type Representations } from './bias';
import { SuiteEvaluator } from './evaluate';

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
      const corrected: Record<string, Representations> = Object.fromEntries(await Promise.all(input.tasks.map(async (t, i) => [t, { ...merged[t], z: await model.corrected(i) }] as const)));
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
