/**
 * The task subset in the store (in-process engine, CPU backend, suite-tiny): merge, evaluation,
 * λ sweep and analytics all use only the chosen tasks; changing the subset clears the λ curve;
 * a subset needs two tasks of the suite; a new suite starts again from all tasks.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../../engine/data/png-decoder.node';
import { fixturePath } from '../../engine/testing/fixtures.node';
import { createInProcessEngine } from '../../worker/in-process';
import { pickedFolder } from '../../worker/lab-files.node';
import { createLabStore, type LabStore } from '../store';

const SUITE = fixturePath('suite-tiny');

describe('task subset slice', () => {
  let store: LabStore;
  const s = () => store.getState();
  beforeEach(async () => {
    store = createLabStore({
      startEngine: () => ({ api: createInProcessEngine({ decoder: nodeImageDecoder }), terminate: () => undefined }),
      storage: { getItem: (k) => (k === 'mergelab.backend' ? 'cpu' : null), setItem: () => undefined },
      sweepDebounceMs: 1,
    });
    await s().start();
    await s().loadSuite(await pickedFolder(SUITE));
  });

  it('merges, scores, sweeps and analyses only the chosen tasks', async () => {
    expect(s().setTaskSubset(['scans', 'waves', 'clouds'])).toBeNull();
    expect(s().subset.tasks).toEqual(['waves', 'scans']);
    s().setEvalLimit(8);
    await s().runMerge();
    const [run] = s().merge.runs;
    expect(run.merged.tasks).toEqual(['waves', 'scans']);
    expect(run.report.status === 'done' && Object.keys(run.report.result.tasks)).toEqual(['waves', 'scans']);
    await s().setSweepLambda(0.5);
    expect(Object.keys(s().sweep.report!.tasks)).toEqual(['waves', 'scans']);
    expect(s().sweep.history).toHaveLength(1);
    await s().runAnalytics();
    const analytics = s().analytics.task;
    expect(analytics.status === 'done' && analytics.result.tasks).toEqual(['waves', 'scans']);

    // Another subset: the curve and the analytics were about other tasks; the run stays.
    expect(s().setTaskSubset(['waves', 'folders', 'scans'])).toBeNull();
    expect(s().subset.tasks).toBeNull(); // all of them = no subset
    expect(s().sweep.history).toEqual([]);
    expect(s().analytics.task.status).toBe('idle');
    expect(s().merge.runs).toHaveLength(1);
  });

  it('refuses fewer than two tasks, and a new suite starts from all tasks', async () => {
    expect(s().setTaskSubset(['folders'])).toBe('Choose at least two tasks to merge (only folders is chosen).');
    expect(s().setTaskSubset(['clouds'])).toBe('Choose at least two tasks to merge (none is chosen).');
    expect(s().subset.tasks).toBeNull();
    s().setTaskSubset(['waves', 'folders']);
    await s().loadSuite(await pickedFolder(SUITE));
    expect(s().subset.tasks).toBeNull();
  });
});
