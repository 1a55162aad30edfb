/**
 * The train slice on the in-process engine (CPU backend, suite-tiny): TA + Surgery trains with
 * live loss points and evaluations and lands as a run whose report shares the merge run's
 * references; pause/resume and cancel through the store; bad parameters are refused before the
 * worker is asked. State stays plain data. A run's kept artefacts live in the engine until the
 * run is removed or the lab resets.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../engine/data/png-decoder.node';
import { fixturePath } from '../engine/testing/fixtures.node';
import { lossPoints } from '../engine/train/loss-series';
import type { EngineApi } from '../worker/api';
import { createInProcessEngine } from '../worker/in-process';
import { pickedFolder } from '../worker/lab-files.node';
import { createLabStore, type LabStore } from './store';

const SUITE = fixturePath('suite-tiny');

describe('train slice', () => {
  let store: LabStore;
  let api: EngineApi;
  beforeEach(async () => {
    api = createInProcessEngine({ decoder: nodeImageDecoder });
    store = createLabStore({
      startEngine: () => ({ api, terminate: () => undefined }),
      storage: { getItem: () => 'cpu', setItem: () => undefined },
    });
    await store.getState().start();
    await store.getState().loadSuite(await pickedFolder(SUITE));
    store.getState().setTrainLimit(16);
    store.getState().setCorrectionParam('rank', 4);
  });
  const s = () => store.getState();

  it('trains TA + Surgery (quick preset by default) and adds the run beside the TA merge run', async () => {
    expect(s().train).toMatchObject({ base: 'task_arithmetic', correction: 'surgery', preset: 'quick' });
    s().setCorrectionParam('iterations', 3);
    s().setEvalEvery(6);
    s().setEvalLimit(16);
    await s().runMerge();
    const seen: number[] = [];
    const unsub = store.subscribe((st) => { if (st.train.job.status === 'running') seen.push(st.train.job.losses.count); });
    await s().startTraining();
    unsub();
    expect(s().train.job).toEqual({ status: 'idle' });
    expect(Math.max(...seen)).toBe(18); // 3 iterations × 2 batches × 3 tasks, one loss point each
    const [run] = s().train.runs;
    expect(run.label).toBe('Task Arithmetic · λ 0.3 + Representation Surgery · 18 steps · sample of 16 images');
    expect(run.baseLabel).toBe('Task Arithmetic · λ 0.3');
    expect(lossPoints(run.losses).map((l) => l.step)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(run.result.correction).toMatchObject({ method: 'surgery', steps: 18, params: { rank: 4, iterations: 3 } });
    const ta = s().merge.runs[0].report;
    expect(ta.status).toBe('done');
    if (ta.status !== 'done') return;
    for (const t of ['waves', 'folders', 'scans']) {
      expect(run.result.report.tasks[t].images).toBe(16);
      expect(run.result.report.tasks[t].individual).toEqual(ta.result.tasks[t].individual);
      expect(run.result.report.tasks[t].pretrained).toEqual(ta.result.tasks[t].pretrained);
    }
    expect(structuredClone(s().train)).toEqual(s().train);
  });

  it('pauses and resumes, and cancel leaves the slice ready for the next run', async () => {
    s().setCorrectionParam('iterations', 20);
    let paused = false;
    let resumed = false;
    let cancelled = false;
    const unsub = store.subscribe((st) => {
      const j = st.train.job;
      if (j.status !== 'running') return;
      if (j.losses.count >= 2 && !paused) { paused = true; void s().pauseTraining(); }
      if (j.paused && !resumed) { resumed = true; void s().resumeTraining(); }
      if (resumed && !j.paused && j.losses.count >= 4 && !cancelled) { cancelled = true; void s().cancelTraining(); }
    });
    await s().startTraining();
    unsub();
    expect(resumed).toBe(true);
    expect(s().train.job).toEqual({ status: 'cancelled' });
    expect(s().train.runs).toEqual([]);
    s().setCorrectionParam('iterations', 1);
    await s().startTraining();
    expect(s().train.runs).toHaveLength(1);
  });

  it('a suite change cancels the training and forgets its runs', async () => {
    s().setCorrectionParam('iterations', 1);
    await s().startTraining();
    expect(s().train.runs).toHaveLength(1);
    s().setCorrectionParam('iterations', 50);
    let closing: Promise<void> | null = null;
    let asked = false; // set before closeSuite runs: its own synchronous set() notifies this listener again
    const unsub = store.subscribe((st) => {
      if (asked || st.train.job.status !== 'running' || st.train.job.losses.count < 2) return;
      asked = true;
      closing = s().closeSuite();
    });
    await s().startTraining();
    unsub();
    await closing;
    expect(s().train.job).toEqual({ status: 'idle' });
    expect(s().train.runs).toEqual([]);
  });

  it('keeps each run\'s artefacts in the engine until the run is removed or the lab resets', async () => {
    s().setCorrectionParam('iterations', 1);
    await s().startTraining();
    await s().startTraining();
    const [a, b] = s().train.runs;
    expect(a.result.trainedId).not.toBe(b.result.trainedId);
    expect((await s().trainedModules(a.key)).size).toBeGreaterThan(0);
    await s().removeTrainRun(a.key);
    expect(s().train.runs.map((r) => r.key)).toEqual([b.key]);
    await expect(api.trainedModules(a.result.trainedId)).rejects.toMatchObject({ code: 'engine' });
    expect((await api.trainedModules(b.result.trainedId)).size).toBeGreaterThan(0);
    await s().closeSuite();
    await expect(api.trainedModules(b.result.trainedId)).rejects.toMatchObject({ code: 'engine' });
  });

  it('runs AdaMerging with given coefficients (its own export) to the same accuracy; misfits keep the text and name the problem', async () => {
    s().setCoefficientsText('{"lambda": [0.1,', 'pasted');
    expect(s().train.coefficients).toMatchObject({ source: 'pasted', text: '{"lambda": [0.1,', json: null, error: { code: 'coefficients' } });
    expect(s().train.coefficients!.error!.message).toMatch(/not valid JSON/);
    s().setCoefficientsText('[0.1, 0.2]', 'pasted');
    expect(s().train.coefficients!.error!.message).toMatch(/2 rows for 3 tasks/);
    expect(s().train.base).toBe('task_arithmetic'); // nothing else changed

    s().setTrainBase('adamerging');
    s().setTrainBaseParam('iterations', 1);
    s().setCorrection(null);
    s().clearCoefficients();
    await s().startTraining();
    const learnt = s().train.runs[0].result;
    expect(learnt.coefficients).toMatchObject({ granularity: 'layer', tasks: ['waves', 'folders', 'scans'] });
    s().setTrainBase('task_arithmetic');
    s().setCoefficientsText(JSON.stringify(learnt.coefficients), 'coefficients.json');
    expect(s().train).toMatchObject({ base: 'adamerging', baseGiven: { granularity: 'layer', plus: false }, coefficients: { error: null } });
    await s().startTraining();
    const [, loaded] = s().train.runs;
    expect(loaded.label).toBe('AdaMerging · layer-wise · loaded coefficients · sample of 16 images');
    expect(loaded.result.merge.steps).toBe(0);
    expect(loaded.result.report.tasks).toEqual(learnt.report.tasks);
  });

  it('refuses an out-of-range parameter with a usage error, without training', async () => {
    s().setCorrectionParam('rank', -3);
    await s().startTraining();
    expect(s().train.job).toMatchObject({ status: 'error', error: { code: 'usage' } });
    expect(s().train.runs).toEqual([]);
  });
});
