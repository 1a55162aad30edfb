/**
 * Training jobs through the engine API, in-process on the CPU backend with suite-tiny: TA +
 * Surgery reports progress and evaluations, ends with a merge-like report on the cached
 * references that matches runExperiment run directly; pause holds the steps until resume; stop
 * early scores fewer steps; cancel rejects with "cancelled", leaks nothing and the engine trains
 * again afterwards.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../engine/trained/experiment';
import { getTrainedMethod } from '../engine/catalogue';
import { nodeImageDecoder } from '../engine/data/png-decoder.node';
import { sampledSuite } from '../engine/data/sampled-suite';
import { openSuiteDir } from '../engine/data/suite-dir.node';
import { fixturePath } from '../engine/testing/fixtures.node';
import type { EngineApi, TrainRequest, TrainUpdate } from './api';
import { createInProcessEngine } from './in-process';
import { pickedFolder } from './lab-files.node';

const SUITE = fixturePath('suite-tiny');
const LIMIT = 16;

async function rejection(p: Promise<unknown>): Promise<{ code: string }> {
  try { await p; } catch (e) { return e as { code: string }; }
  throw new Error('expected a rejection');
}

describe('engine API: training jobs', () => {
  let api: EngineApi;
  let suiteId: string;
  const spec = (iterations: number): TrainRequest => ({
    suite: suiteId, merge: { method: 'task_arithmetic' }, correction: { method: 'surgery', params: { iterations, rank: 4 } }, limit: LIMIT,
  });
  beforeAll(async () => {
    api = createInProcessEngine({ decoder: nodeImageDecoder });
    await api.init({ force: 'cpu' });
    suiteId = (await api.openSuite('suite-tiny', await pickedFolder(SUITE))).id;
  });

  it('trains TA + Surgery with progress and evaluations; the result is the engine\'s own, as a merge report', async () => {
    await api.evaluate(suiteId, null, { sample: { size: LIMIT } }); // references cached, as after a merge run on the same sample
    const before = tf.memory().numTensors;
    const updates: TrainUpdate[] = [];
    const r = await api.train(spec(4), { jobId: 't1', evalEvery: 8 }, (u) => updates.push(u));
    expect(tf.memory().numTensors).toBe(before);
    const progress = updates.filter((u) => u.kind === 'progress');
    const total = 4 * 2 * 3; // iterations × 2 batches × 3 tasks
    expect(progress.map((p) => p.step)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(progress.every((p) => p.stage === 'correction' && p.totalSteps === total && Number.isFinite(p.loss))).toBe(true);
    expect(progress.at(-1)!.etaSeconds).toBe(0);
    const evals = updates.filter((u) => u.kind === 'eval');
    expect(evals.map((e) => e.step)).toEqual([8, 16, 24]);
    expect(Object.keys(evals[0].tasks)).toEqual(['waves', 'folders', 'scans']);

    // An image limit trains and scores on the suite's class-stratified sample (seed 0).
    const direct = await runExperiment(sampledSuite(await openSuiteDir(SUITE), { size: LIMIT, seed: 0 }), { suite: SUITE, merge: { method: 'task_arithmetic' }, correction: { method: 'surgery', params: { iterations: 4, rank: 4 } }, limit: LIMIT, preset: 'quick' });
    for (const [t, s] of Object.entries(direct.tasks)) {
      expect(r.report.tasks[t].merged).toEqual(s);
      expect(r.report.tasks[t]).toMatchObject({ images: LIMIT, total: 24, sampled: true });
    }
    expect(r.report.average.merged!.accuracy).toBeCloseTo(direct.average, 10);
    expect(evals.at(-1)!.tasks).toEqual(Object.fromEntries(Object.entries(direct.tasks).map(([t, s]) => [t, s.accuracy])));
    const suite = await openSuiteDir(SUITE);
    const shapes = suite.manifest.tasks.map((t) => ({ name: t.name, numClasses: t.classes.length }));
    expect(r.extraParams).toBe(getTrainedMethod('surgery').trainableParamCount(r.correction!.params, suite.pretrained.config, shapes));
    expect(r.extraParams).toBe(2 * 32 * 4 * 3); // 2 · P · r · T
    expect(r.correction).toMatchObject({ method: 'surgery', steps: total });
    expect(r.merge).toMatchObject({ method: 'task_arithmetic', steps: 0 });
    expect(r.stoppedEarly).toBe(false);
    expect(structuredClone(r)).toEqual(r);
  });

  it('pauses between steps until resumed, and stops early with what it learnt so far', async () => {
    const updates: TrainUpdate[] = [];
    let paused = false;
    const run = api.train(spec(10), { jobId: 't2' }, (u) => {
      updates.push(u);
      if (u.kind === 'progress' && u.step === 3 && !paused) { paused = true; void api.pauseTraining('t2'); }
    });
    await expect.poll(() => updates.some((u) => u.kind === 'paused'), { timeout: 30_000 }).toBe(true);
    const held = updates.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(updates.length).toBe(held); // no step while paused
    const stepAtPause = updates.filter((u) => u.kind === 'progress').at(-1)!;
    expect(stepAtPause.kind === 'progress' && stepAtPause.step).toBe(3);
    await api.resumeTraining('t2');
    await expect.poll(() => updates.filter((u) => u.kind === 'progress').length > 6, { timeout: 30_000 }).toBe(true);
    await api.stopTraining('t2');
    const r = await run;
    expect(updates.some((u) => u.kind === 'resumed')).toBe(true);
    expect(r.stoppedEarly).toBe(true);
    expect(r.correction!.steps).toBeGreaterThan(6);
    expect(r.correction!.steps).toBeLessThan(60);
    expect(Number.isFinite(r.report.average.merged!.accuracy)).toBe(true);
  });

  it('cancels during training (and while paused): rejects with "cancelled", leaks nothing, trains again', async () => {
    const before = tf.memory().numTensors;
    const running = api.train(spec(10), { jobId: 't3' }, (u) => { if (u.kind === 'progress' && u.step === 2) void api.cancel('t3'); });
    expect(await rejection(running)).toMatchObject({ code: 'cancelled' });
    expect(tf.memory().numTensors).toBe(before);

    const paused = api.train(spec(10), { jobId: 't4' }, (u) => {
      if (u.kind === 'progress' && u.step === 1) void api.pauseTraining('t4');
      if (u.kind === 'paused') void api.cancel('t4');
    });
    expect(await rejection(paused)).toMatchObject({ code: 'cancelled' });
    expect(tf.memory().numTensors).toBe(before);

    const r = await api.train(spec(1), { jobId: 't5' });
    expect(r.correction!.steps).toBe(6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('returns AdaMerging\'s learned coefficients; given back, they merge without training to the same accuracy; misfits are a typed error', async () => {
    const ada = { method: 'adamerging', params: { granularity: 'layer', iterations: 2 } };
    const trained = await api.train({ suite: suiteId, merge: ada, limit: LIMIT });
    expect(trained.merge.steps).toBe(2);
    const c = trained.coefficients!;
    expect(c).toMatchObject({ format: 'mergelab-coefficients', granularity: 'layer', tasks: ['waves', 'folders', 'scans'] });
    // It learnt something: λ starts at fround(0.3) (≠ 0.3 in float64), so compare with a margin; 2 Adam steps of lr 1e-3 move an entry by up to ~2e-3.
    expect(Math.max(...c.lambda.flat().map((v) => Math.abs(v - 0.3)))).toBeGreaterThan(5e-4);
    const loaded = await api.train({ suite: suiteId, merge: { ...ada, coefficients: JSON.parse(JSON.stringify(c)) }, limit: LIMIT });
    expect(loaded.merge.steps).toBe(0);
    expect(loaded.coefficients).toEqual(c);
    expect(loaded.report.tasks).toEqual(trained.report.tasks);
    const e = await rejection(api.train({ suite: suiteId, merge: { ...ada, coefficients: { ...c, lambda: c.lambda.slice(1) } }, limit: LIMIT }));
    expect(e).toMatchObject({ code: 'coefficients' });
    expect((e as unknown as { message: string }).message).toMatch(/2 rows for 3 tasks/);
    await Promise.all([trained, loaded].map((r) => api.closeTrained(r.trainedId)));
  });

  it('refuses an unknown correction with a usage error naming the field', async () => {
    const e = await rejection(api.train({ suite: suiteId, merge: { method: 'task_arithmetic' }, correction: { method: 'nope' } }));
    expect(e).toMatchObject({ code: 'usage' });
    expect((e as unknown as { message: string }).message).toMatch(/correction\.method/);
  });
});
