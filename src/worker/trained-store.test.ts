/**
 * Kept training runs through the engine API, in-process on the CPU backend with suite-tiny: a
 * Surgery run stopped before its first step keeps exactly the base merge's features (identity at
 * init) with the base's CLS tokens; every method's modules file reads back with our safetensors
 * reader under the documented names and shapes, and holds trainableParamCount values; nothing
 * leaks; closeTrained is idempotent; unknown ids and closed suites give a typed error.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getTrainedMethod } from '../engine/catalogue';
import { nodeImageDecoder } from '../engine/data/png-decoder.node';
import type { Suite } from '../engine/data/suite';
import { sampledSuite } from '../engine/data/sampled-suite';
import { openSuiteDir } from '../engine/data/suite-dir.node';
import { SuiteEvaluator } from '../engine/eval/evaluate';
import { blobSource } from '../engine/io/byte-source';
import { numel, openSafetensors } from '../engine/io/safetensors';
import { mergeToParamMap } from '../engine/merge/in-memory';
import { disposeParams } from '../engine/params/param-map';
import { fixturePath } from '../engine/testing/fixtures.node';
import type { EngineApi, TrainResult, TrainRequest } from './api';
import { createInProcessEngine } from './in-process';
import { pickedFolder } from './lab-files.node';
import { TrainedStore } from './trained-store';

const SUITE = fixturePath('suite-tiny');
const LIMIT = 16;

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try { await p; } catch (e) { return e as { code: string; message: string }; }
  throw new Error('expected a rejection');
}

describe('engine API: kept training runs', () => {
  let api: EngineApi;
  let suiteId: string;
  let suite: Suite;
  let names: string[];
  const trained = new TrainedStore();
  const readModules = async (r: TrainResult) => openSafetensors(blobSource(await api.trainedModules(r.trainedId), 'modules.safetensors'));
  const extra = (method: string, params: TrainResult['merge']['params']) =>
    getTrainedMethod(method).trainableParamCount(params, suite.pretrained.config, suite.manifest.tasks.map((t) => ({ name: t.name, numClasses: t.classes.length })));

  beforeAll(async () => {
    api = createInProcessEngine({ decoder: nodeImageDecoder, trained });
    await api.init({ force: 'cpu' });
    suiteId = (await api.openSuite('suite-tiny', await pickedFolder(SUITE))).id;
    suite = sampledSuite(await openSuiteDir(SUITE), { size: LIMIT, seed: 0 }); // what the worker trains on with an image limit
    names = suite.manifest.tasks.map((t) => t.name);
  });

  it('Surgery stopped before its first step keeps exactly the base merge\'s features and CLS tokens (identity at init)', async () => {
    const before = tf.memory().numTensors;
    const spec: TrainRequest = { suite: suiteId, merge: { method: 'task_arithmetic' }, correction: { method: 'surgery', params: { rank: 4 } }, limit: LIMIT, preset: 'quick' };
    const running = api.train(spec, { jobId: 'init' });
    await api.stopTraining('init');
    const r = await running;
    expect(r.correction!.steps).toBe(0);
    expect(tf.memory().numTensors).toBe(before);

    // The base merge's features, computed here independently of the worker.
    const ta = await mergeToParamMap({ pretrained: suite.pretrained, experts: [...suite.experts.values()], method: 'task_arithmetic' });
    const ev = new SuiteEvaluator(suite);
    const run = trained.get(r.trainedId);
    expect(run).toMatchObject({ suiteId, limit: LIMIT, tasks: names });
    for (const task of names) {
      const base = await ev.features({ key: 'ta', params: ta.weights }, task, { limit: LIMIT, hiddenStates: true });
      const kept = run.features.get(task)!;
      expect(kept.n).toBe(LIMIT);
      expect(kept.z).toEqual(base.z);
      expect(ev.accuracy(task, base)).toBe(r.report.tasks[task].merged!.accuracy);
      const hidden = run.hidden.get(task)!;
      expect(hidden.n).toBe(LIMIT); // min(n, 512)
      expect(hidden.cls!.length).toBe(suite.pretrained.config.numLayers + 1);
      hidden.cls!.forEach((c, l) => expect(c, `CLS after block ${l}`).toEqual(base.cls![l]));
      expect(hidden.z).toEqual(base.z);
    }
    disposeParams(ta.weights);
    ev.dispose();

    const file = await readModules(r);
    expect(file.metadata).toMatchObject({ format: 'mergelab-trained-v1', merge: 'task_arithmetic', correction: 'surgery', seed: '0', suite: suite.manifest.name, tasks: JSON.stringify(names) });
    expect(JSON.parse(file.metadata.params)).toEqual({ merge: r.merge.params, correction: r.correction!.params });
    const P = suite.pretrained.config.projectionDim ?? suite.pretrained.config.hiddenSize;
    expect([...file.tensors.keys()]).toEqual(names.flatMap((t) => [`surgery.${t}.down`, `surgery.${t}.up`]));
    for (const t of names) {
      expect(file.tensors.get(`surgery.${t}.down`)!.shape).toEqual([4, P]);
      expect(file.tensors.get(`surgery.${t}.up`)!.shape).toEqual([P, 4]);
      expect(Array.from((await file.read(`surgery.${t}.up`)).values).every((v) => v === 0)).toBe(true); // zero-init up-projection
    }
    const values = [...file.tensors.values()].reduce((s, t) => s + numel(t.shape), 0);
    expect(values).toBe(r.extraParams);
    expect(values).toBe(extra('surgery', r.correction!.params));
    await api.closeTrained(r.trainedId);
  });

  /** What a case's file must hold, from the suite's dimensions. */
  interface Dims { T: number; tasks: string[]; L: number; s: number; tensors: number; P: number; C: (task: string) => number }
  const cases: [string, TrainRequest['merge'], TrainRequest['correction'], (d: Dims) => [string, number[]][]][] = [
    ['adamerging task-wise', { method: 'adamerging', params: { granularity: 'task', iterations: 1 } }, null, (d) => [['adamerging.lambda', [d.T, 1]]]],
    ['TA + IntervMerge mini', { method: 'task_arithmetic' }, { method: 'intervmerge', params: { variant: 'mini', iterations: 1 } },
      (d) => d.tasks.flatMap((n): [string, number[]][] => [[`intervmerge.${n}.w1`, [d.L, 1, d.s]], [`intervmerge.${n}.b1`, [d.L, 1]], [`intervmerge.${n}.w2`, [d.L, 1, d.s]], [`intervmerge.${n}.b2`, [d.L, 1]]])],
    ['TA + Tinting (head)', { method: 'task_arithmetic' }, { method: 'tinting', params: { iterations: 1 } },
      (d) => [['tinting.lambda', [d.T, d.tensors]], ...d.tasks.flatMap((n): [string, number[]][] => [[`tinting.${n}.weight`, [d.C(n), d.P]], [`tinting.${n}.bias`, [d.C(n)]]])]],
  ];

  it.each(cases)('%s: the modules file holds the documented tensors and the trainable parameter count, and leaks nothing', async (_label, merge, correction, expected) => {
    const before = tf.memory().numTensors;
    const r = await api.train({ suite: suiteId, merge, correction, limit: LIMIT, preset: 'quick' });
    const file = await readModules(r);
    const c = suite.pretrained.config;
    const C = (n: string) => suite.manifest.tasks.find((t) => t.name === n)!.classes.length;
    const want = expected({ T: names.length, tasks: names, L: c.numLayers, s: Math.floor(c.hiddenSize / 12), tensors: suite.pretrained.params.length, P: c.projectionDim ?? c.hiddenSize, C });
    expect([...file.tensors.values()].map((t) => [t.name, t.shape])).toEqual(want);
    const values = [...file.tensors.values()].reduce((s, t) => s + numel(t.shape), 0);
    const trainedIds = [merge.method === 'adamerging' ? extra('adamerging', r.merge.params) : 0, correction ? extra(correction.method, r.correction!.params) : 0];
    expect(values).toBe(trainedIds[0] + trainedIds[1]);
    expect(values).toBe(r.extraParams);
    expect(file.metadata.correction).toBe(correction?.method ?? '');
    if (merge.method === 'adamerging' || correction?.method === 'tinting') expect(JSON.parse(file.metadata.lambda_tensors)).toEqual(suite.pretrained.params.map((p) => p.name));
    await api.closeTrained(r.trainedId);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('closeTrained is idempotent; an unknown or closed id is a typed error naming it; closing the suite drops its runs', async () => {
    const r = await api.train({ suite: suiteId, merge: { method: 'task_arithmetic' }, correction: { method: 'surgery', params: { iterations: 1, rank: 2 } }, limit: LIMIT });
    await api.closeTrained(r.trainedId);
    await api.closeTrained(r.trainedId);
    const e = await rejection(api.trainedModules(r.trainedId));
    expect(e.code).toBe('engine');
    expect(e.message).toContain(r.trainedId);
    expect(() => trained.get('nope')).toThrow(/No kept training run with id "nope"/);

    const again = await api.train({ suite: suiteId, merge: { method: 'task_arithmetic' }, limit: LIMIT });
    expect(trained.get(again.trainedId).features.size).toBe(names.length);
    await api.closeSuite(suiteId);
    expect((await rejection(api.trainedModules(again.trainedId))).code).toBe('engine');
  });
});
