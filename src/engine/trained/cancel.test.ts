// Cancel means nothing is kept; Stop early keeps what was learnt. runExperiment on suite-tiny
// (CPU): a loop cancelled at step 3 of 24 rejects with CancelledError (no partly trained model is
// scored), a loop stopped at step 3 resolves with exactly 3 steps; neither leaks tensors.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Suite } from '../data/suite';
import { openSuiteDir } from '../data/suite-dir.node';
import { CancelledError } from '../errors';
import { fixturePath } from '../testing/fixtures.node';
import { RunControl } from './control';
import { runExperiment } from './experiment';

const SUITE = fixturePath('suite-tiny');
const experiment = { suite: SUITE, merge: { method: 'task_arithmetic' }, correction: { method: 'surgery', params: { iterations: 4, rank: 4 } }, limit: 16, preset: 'quick' };

describe('cancel versus stop early', () => {
  let suite: Suite;
  beforeAll(async () => {
    suite = await openSuiteDir(SUITE);
  });

  it('a cancelled loop rejects with CancelledError; a stopped one keeps its 3 steps', async () => {
    const before = tf.memory().numTensors;
    let steps = 0;
    const cancelling = new RunControl();
    const cancelled = runExperiment(suite, experiment, {
      control: cancelling,
      onProgress: (_, p) => { steps = p.step; if (p.step >= 3) cancelling.cancel(); },
    });
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    expect(steps).toBeLessThan(24);
    expect(tf.memory().numTensors).toBe(before);

    const stopping = new RunControl();
    const stopped = await runExperiment(suite, experiment, {
      control: stopping,
      onProgress: (_, p) => { if (p.step === 3) stopping.stop(); },
    });
    expect(stopped.correction!.steps).toBe(3);
    expect(Number.isFinite(stopped.average)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
