/**
 * A merge scored on a sample is evaluated again on the full test splits on request (its label
 * loses the sample suffix), and each evaluation records the pace the next ETA uses.
 */
import { describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../../engine/data/png-decoder.node';
import { fixturePath } from '../../engine/testing/fixtures.node';
import { createInProcessEngine } from '../../worker/in-process';
import { pickedFolder } from '../../worker/lab-files.node';
import { createLabStore } from '../store';

describe('merge slice: full-split evaluation and the measured pace', () => {
  it('re-scores a sampled run on every test image and records images and seconds', async () => {
    const store = createLabStore({
      startEngine: () => ({ api: createInProcessEngine({ decoder: nodeImageDecoder }), terminate: () => undefined }),
      storage: { getItem: (k) => (k === 'mergelab.backend' ? 'cpu' : null), setItem: () => undefined },
    });
    const s = () => store.getState();
    await s().start();
    await s().loadSuite(await pickedFolder(fixturePath('suite-tiny')));
    expect(s().merge.evalPace).toBeNull();
    s().setEvalLimit(8);
    await s().runMerge();
    const [run] = s().merge.runs;
    expect(run.label).toMatch(/ · sample of 8 images$/);
    expect(s().merge.evalPace?.images).toBe(24); // 3 tasks × 8
    expect(s().merge.evalPace!.seconds).toBeGreaterThan(0);
    await s().evaluateRun(run.key, true);
    const full = s().merge.runs[0];
    expect(full.limit).toBeNull();
    expect(full.label).not.toMatch(/images$/);
    expect(full.report.status === 'done' && Object.values(full.report.result.tasks).map((t) => t.images)).toEqual([24, 24, 24]);
    expect(s().merge.evalPace?.images).toBe(72);
  }, 120_000);
});
