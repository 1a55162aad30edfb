/**
 * The explorer slice on the in-process engine and embedding API (CPU backend, suite-tiny): the
 * empty states, the default runs (latest merge, latest training run on it), the bias of
 * pretrained/base/corrected and a shared layout of experts/base/corrected kept outside the state;
 * a result is shown only for the choice it answers; a cancelled layout leaves the slice idle.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../engine/data/png-decoder.node';
import { fixturePath } from '../engine/testing/fixtures.node';
import { createEmbedApi } from '../worker/embed-api';
import { createInProcessEngine } from '../worker/in-process';
import { pickedFolder } from '../worker/lab-files.node';
import { explorerQuestion, explorerRuns } from './slices/explorer';
import { createLabStore, type LabStore } from './store';

const SUITE = fixturePath('suite-tiny');

describe('explorer slice', () => {
  let store: LabStore;
  const s = () => store.getState();
  beforeAll(async () => {
    const api = createInProcessEngine({ decoder: nodeImageDecoder });
    const embed = createEmbedApi({ backend: null });
    store = createLabStore({
      startEngine: () => ({ api, terminate: () => undefined }),
      startEmbed: () => ({ api: embed, terminate: () => undefined }),
      storage: { getItem: () => 'cpu', setItem: () => undefined },
    });
    await s().start();
  });

  it('says what to do before there is a suite or a merge', async () => {
    await s().measureBias();
    expect(s().explorer.bias).toMatchObject({ status: 'error', error: { code: 'usage', hint: expect.stringContaining('Load a suite') } });
    await s().loadSuite(await pickedFolder(SUITE));
    await s().computeLayout();
    expect(s().explorer.layout).toMatchObject({ status: 'error', error: { message: 'There is no merge to explore yet.' } });
  }, 60_000);

  it('compares the latest merge with the latest correction trained on it: bias, then one shared layout', async () => {
    s().setEvalLimit(12);
    await s().runMerge();
    s().setMethod('ties');
    await s().runMerge();
    s().setTrainLimit(12);
    s().setCorrectionParam('rank', 4);
    s().setCorrectionParam('iterations', 2);
    s().setTrainBase('ties');
    await s().startTraining();
    s().setTrainBase('task_arithmetic');
    await s().startTraining();
    const runs = explorerRuns(s());
    expect(runs.base?.label).toMatch(/^TIES/);
    expect(runs.corrected?.baseLabel).toMatch(/^TIES/); // the run on the base, not the latest run
    s().setExplorerBase(s().merge.runs[0].key);
    expect(explorerRuns(s()).corrected?.baseLabel).toMatch(/^Task Arithmetic/);

    s().setExplorerLimit(12);
    await s().measureBias();
    const bias = s().explorer.bias;
    expect(bias.status).toBe('done');
    if (bias.status !== 'done') return;
    expect(bias.result.models.map((m) => m.label)).toEqual(['Pretrained', s().merge.runs[0].label, explorerRuns(s()).corrected!.label]);
    expect(bias.result.limit).toBe(12);
    expect(bias.result.question).toBe(explorerQuestion(s(), 'bias'));
    expect(structuredClone(s().explorer)).toEqual(s().explorer); // plain data

    s().setExplorerBudget('all');
    await s().computeLayout();
    const layout = s().explorer.layout;
    expect(layout.status).toBe('done');
    if (layout.status !== 'done') return;
    const kept = s().explorerScatter(layout.result.key)!;
    expect(kept.layout.sets).toEqual(kept.features.sets.map((x) => x.key));
    expect(kept.features.sets.map((x) => x.label)).toEqual(['Experts', s().merge.runs[0].label, explorerRuns(s()).corrected!.label]);
    expect(layout.result.points).toBe(3 * 3 * 12);
    s().setExplorerLimit(8);
    expect(explorerQuestion(s(), 'layout')).not.toBe(layout.result.question); // the panel hides the old layout
  }, 120_000);

  it('cancelling a layout leaves the slice idle and the next one runs', async () => {
    s().setExplorerLimit(10);
    const running = s().computeLayout();
    await s().cancelExplorer();
    await running;
    expect(s().explorer.layout).toEqual({ status: 'idle' });
    await s().computeLayout();
    expect(s().explorer.layout.status).toBe('done');
  }, 120_000);
});
