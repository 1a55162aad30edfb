/**
 * The bias explorer's engine methods, in-process on the CPU backend with suite-tiny: the bias
 * report equals layerBias of features computed independently (a fresh evaluator); the UMAP
 * feature sets are L2-normalised expert/merge features of the same images, sampled
 * deterministically per seed and evenly per task within the point budget; thumbnails are the
 * requested size; a kept training run (TA + Surgery) is measured from its kept representations
 * (Surgery leaves the blocks as the base's, moves z) with its own predictions, on at most the
 * images it kept; a cancelled call rejects with "cancelled" and leaves no tensor behind.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../engine/data/png-decoder.node';
import { stratifiedSample } from '../engine/data/sample';
import { sampledSuite } from '../engine/data/sampled-suite';
import { openSuiteDir } from '../engine/data/suite-dir.node';
import { layerBias } from '../engine/eval/bias';
import { SuiteEvaluator } from '../engine/eval/evaluate';
import { fixturePath } from '../engine/testing/fixtures.node';
import type { EngineApi, ExplorerFeatures, ExplorerModel } from './api';
import { createInProcessEngine } from './in-process';
import { pickedFolder } from './lab-files.node';
import { TrainedStore } from './trained-store';

const SUITE = fixturePath('suite-tiny');
const LIMIT = 12;
const PRE: ExplorerModel = { ref: { kind: 'pretrained' }, label: 'Pretrained' };

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try { await p; } catch (e) { return e as { code: string; message: string }; }
  throw new Error('expected a rejection');
}

const perTask = (f: ExplorerFeatures) => f.taskNames.map((_, t) => f.tasks.filter((x) => x === t).length);

describe('engine API: the bias explorer', () => {
  let api: EngineApi;
  let suiteId: string;
  let ta: ExplorerModel;
  const trained = new TrainedStore();
  beforeAll(async () => {
    api = createInProcessEngine({ decoder: nodeImageDecoder, trained });
    await api.init({ force: 'cpu' });
    suiteId = (await api.openSuite('suite-tiny', await pickedFolder(SUITE))).id;
    const merged = await api.merge({ pool: { kind: 'suite', suiteId }, method: 'task_arithmetic', params: { lambda: 0.3 } });
    ta = { ref: { kind: 'merge', id: merged.id }, label: 'Task Arithmetic' };
  });

  it('bias of the pretrained model on each task is layerBias of its and the expert\'s features, computed apart', async () => {
    const before = tf.memory().numTensors;
    const stages: string[] = [];
    const r = await api.explorerBias(suiteId, [PRE, ta], { limit: LIMIT }, (p) => stages.push(p.stage));
    expect(tf.memory().numTensors).toBe(before);
    const suite = sampledSuite(await openSuiteDir(SUITE), { size: LIMIT, seed: 0 }); // the explorer reads the suite's stratified sample
    const ev = new SuiteEvaluator(suite);
    for (const [t, task] of r.tasks.entries()) {
      const opts = { limit: LIMIT, hiddenStates: true };
      const want = layerBias(await ev.checkpointFeatures(suite.pretrained, task, opts), await ev.checkpointFeatures(suite.experts.get(task)!, task, opts));
      expect(r.l1[0][t]).toEqual(want.l1);
      expect(r.cosine[0][t]).toEqual(want.cosine);
    }
    ev.dispose();
    expect(r.models.map((m) => m.label)).toEqual(['Pretrained', 'Task Arithmetic']);
    expect(r.layers.at(-1)).toBe('z');
    expect(r.l1[1][0].at(-1)).not.toBe(r.l1[0][0].at(-1));
    expect(stages).toContain('features of Task Arithmetic on scans');
  });

  it('UMAP features: the same images under experts and the merge, unit rows, seeded and balanced over tasks', async () => {
    const a = await api.explorerFeatures(suiteId, [ta], { limit: LIMIT, budget: 60, seed: 3 });
    const b = await api.explorerFeatures(suiteId, [ta], { limit: LIMIT, budget: 60, seed: 3 });
    const c = await api.explorerFeatures(suiteId, [ta], { limit: LIMIT, budget: 60, seed: 4 });
    expect(a.sets.map((s) => s.label)).toEqual(['Experts', 'Task Arithmetic']);
    expect(a.sets.map((s) => s.n)).toEqual([30, 30]); // 60 points over 2 sets
    expect(perTask(a)).toEqual([10, 10, 10]);
    expect([...a.indices]).toEqual([...b.indices]);
    expect([...c.indices]).not.toEqual([...a.indices]);
    // Indices are rows of the full test split, drawn from its class-stratified sample of LIMIT.
    const suite = await openSuiteDir(SUITE);
    for (const [t, task] of a.taskNames.entries()) {
      const sample = new Set(stratifiedSample((await suite.images(task)).labels, LIMIT, 0));
      expect([...a.indices].filter((_, r) => a.tasks[r] === t).every((i) => sample.has(i))).toBe(true);
    }
    for (const s of a.sets) for (let r = 0; r < s.n; r++) expect(Math.hypot(...s.z.subarray(r * s.dim, (r + 1) * s.dim))).toBeCloseTo(1, 5);
    // Row 0 of the experts' set is its task expert's feature of that image (by its row in the full split), normalised.
    const ev = new SuiteEvaluator(suite);
    const task = a.taskNames[a.tasks[0]];
    const f = await ev.checkpointFeatures(suite.experts.get(task)!, task);
    const z = f.z.subarray(a.indices[0] * f.dim, (a.indices[0] + 1) * f.dim);
    const norm = Math.hypot(...z);
    a.sets[0].z.subarray(0, f.dim).forEach((v, k) => expect(v).toBeCloseTo(z[k] / norm, 5));
    expect(a.labels[0]).toBe(f.labels[a.indices[0]]);
    ev.dispose();
    const all = await api.explorerFeatures(suiteId, [PRE, ta], { limit: LIMIT, budget: 'all' });
    expect(perTask(all)).toEqual([LIMIT, LIMIT, LIMIT]);
    expect(Object.keys(all.predictions)).toEqual(all.sets.map((s) => s.key));
    expect(new Set(all.sets.map((s) => s.key)).size).toBe(3);
  });

  it('a budget larger than a task gives the rest to the other tasks', async () => {
    const f = await api.explorerFeatures(suiteId, [ta], { limit: LIMIT, budget: 2 * 3 * LIMIT - 2 });
    expect(perTask(f).reduce((x, y) => x + y, 0)).toBe(3 * LIMIT - 1);
    expect(Math.min(...perTask(f))).toBeGreaterThanOrEqual(LIMIT - 1);
  });

  it('a training run: its kept representations and predictions, on at most the images it kept', async () => {
    const KEPT = 8;
    const r = await api.train({ suite: suiteId, merge: { method: 'task_arithmetic', params: { lambda: 0.3 } }, correction: { method: 'surgery', params: { iterations: 3, rank: 4 } }, limit: KEPT });
    const surgery: ExplorerModel = { ref: { kind: 'trained', id: r.trainedId }, label: 'TA + Surgery' };
    const before = tf.memory().numTensors;
    const b = await api.explorerBias(suiteId, [ta, surgery], { limit: LIMIT });
    expect(tf.memory().numTensors).toBe(before);
    expect(b.limit).toBe(KEPT);
    const z = b.layers.length - 1;
    for (let t = 0; t < b.tasks.length; t++) {
      b.l1[1][t].slice(0, z).forEach((v, l) => expect(v, `${b.tasks[t]} ${b.layers[l]}`).toBeCloseTo(b.l1[0][t][l], 5));
      expect(b.l1[1][t][z]).not.toBeCloseTo(b.l1[0][t][z], 5);
    }
    const f = await api.explorerFeatures(suiteId, [ta, surgery], { limit: LIMIT, budget: 'all' });
    expect(f.limit).toBe(KEPT);
    expect(perTask(f)).toEqual([KEPT, KEPT, KEPT]);
    const run = trained.get(r.trainedId);
    const key = f.sets[2].key;
    f.taskNames.forEach((task, t) => {
      const rows = [...f.tasks.keys()].filter((i) => f.tasks[i] === t);
      expect(rows.map((i) => f.predictions[key][i])).toEqual([...run.features.get(task)!.predictions.subarray(0, KEPT)]);
    });
    await api.closeTrained(r.trainedId);
    expect((await rejection(api.explorerBias(suiteId, [surgery]))).message).toMatch(/No kept training run/);
  });

  it('thumbnails are RGBA at most the requested size', async () => {
    const big = await api.testImageThumbnail(suiteId, 'waves', 0);
    expect([big.width, big.height, big.rgba.length]).toEqual([32, 32, 32 * 32 * 4]); // the suite's 32 px images, not upscaled
    const small = await api.testImageThumbnail(suiteId, 'folders', 3, 8);
    expect([small.width, small.height, small.rgba.length]).toEqual([8, 8, 8 * 8 * 4]);
    expect(small.rgba.filter((_, i) => i % 4 === 3).every((v) => v === 255)).toBe(true);
    expect(new Set(small.rgba.filter((_, i) => i % 4 !== 3)).size).toBeGreaterThan(1);
    expect((await rejection(api.testImageThumbnail(suiteId, 'waves', 10_000))).message).toMatch(/no test image 10000/);
    expect((await rejection(api.testImageThumbnail(suiteId, 'nope', 0))).message).toMatch(/no task "nope"/);
  });

  it('bad input is a usage error that says what to do', async () => {
    expect((await rejection(api.explorerBias(suiteId, []))).code).toBe('usage');
    expect((await rejection(api.explorerBias(suiteId, [{ ref: { kind: 'merge', id: 'merge99' }, label: 'X' }]))).message).toMatch(/No merge with id "merge99"/);
    expect((await rejection(api.explorerFeatures(suiteId, [ta], { budget: 0 }))).message).toMatch(/point budget/);
    expect((await rejection(api.explorerBias(suiteId, [PRE], { limit: 0 }))).message).toMatch(/positive whole number/);
  });

  it('cancelling, before or during the forward passes, rejects with "cancelled" and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    await api.cancel('early');
    expect((await rejection(api.explorerBias(suiteId, [PRE, ta], { limit: LIMIT + 1, jobId: 'early' }))).code).toBe('cancelled');
    expect(tf.memory().numTensors).toBe(before);
    let asked = false;
    const during = api.explorerFeatures(suiteId, [ta], { limit: LIMIT + 2, jobId: 'during' }, (p) => {
      if (!asked && p.stage.includes('Task Arithmetic')) { asked = true; void api.cancel('during'); }
    });
    expect((await rejection(during)).code).toBe('cancelled');
    expect(asked).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    const r = await api.explorerBias(suiteId, [ta], { limit: 4 }); // still usable
    expect(r.l1[0]).toHaveLength(3);
  });
});
