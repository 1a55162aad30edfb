/**
 * The merge-lab slices on the in-process engine (CPU backend): a picked suite, merges with the
 * parameter form's dependent defaults, evaluation tables, a pool merge without a suite, cancel,
 * the debounced λ sweep, analytics, and a broken suite — state stays plain data throughout.
 */
import { mkdtemp, rm, cp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { resolveParams } from '../engine/merge/params';
import { nodeImageDecoder } from '../engine/data/png-decoder.node';
import { fixturePath } from '../engine/testing/fixtures.node';
import { createInProcessEngine } from '../worker/in-process';
import { pickedFolder } from '../worker/lab-files.node';
import { groupFiles } from './group-files';
import { createLabStore, type LabStore } from './store';

const SUITE = fixturePath('suite-tiny');

describe('merge lab store', () => {
  let store: LabStore;
  beforeEach(async () => {
    store = createLabStore({
      startEngine: () => ({ api: createInProcessEngine({ decoder: nodeImageDecoder }), terminate: () => undefined }),
      storage: { getItem: () => 'cpu', setItem: () => undefined },
      sweepDebounceMs: 5,
    });
    await store.getState().start();
  });
  const s = () => store.getState();

  it('loads a picked suite, merges with TIES dis-mean (λ follows its default) and shows the table', async () => {
    await s().loadSuite(await pickedFolder(SUITE));
    expect(s().suite.status).toBe('ready');
    expect(s().suite.info?.tasks.map((t) => t.name)).toEqual(['waves', 'folders', 'scans']);
    expect(s().suite.source).toMatchObject({ kind: 'files', name: 'suite-tiny' });

    s().setMethod('ties');
    s().setParam('aggregate', 'mean');
    s().setEvalLimit(12); // unit tests run on the slow CPU backend
    expect(resolveParams(s().merge.method, s().merge.given)).toEqual({ k: 20, lambda: 1, aggregate: 'mean' });
    await s().runMerge();
    expect(s().merge.job).toEqual({ status: 'idle' });
    const [run] = s().merge.runs;
    expect(run.label).toBe('TIES-Merging · k 20, λ 1, Disjoint merge mean · sample of 12 images');
    expect(run.merged.params).toEqual({ k: 20, lambda: 1, aggregate: 'mean' });
    expect(run.report.status).toBe('done');
    if (run.report.status !== 'done') return;
    const r = run.report.result;
    expect(Object.keys(r.tasks)).toEqual(['waves', 'folders', 'scans']);
    expect(r.average.individual.accuracy).toBe(100);
    expect(r.average.merged?.normalized).toBeCloseTo(r.average.merged!.accuracy, 9); // individual = 100 %
    // Plain data: the whole lab state survives structured cloning (no tensors, no class instances).
    const { merge, suite, sweep, analytics } = s();
    expect(() => structuredClone({ merge, suite: { ...suite, source: null }, sweep, analytics })).not.toThrow();
  });

  it('evaluates on a stratified sample of N images per task when asked, and says so in the run label', async () => {
    await s().loadSuite(await pickedFolder(SUITE));
    s().setEvalLimit(8);
    await s().runMerge();
    const [run] = s().merge.runs;
    expect(run.label).toBe('Task Arithmetic · λ 0.3 · sample of 8 images');
    expect(run.report.status === 'done' && run.report.result.tasks.scans.images).toBe(8);
  });

  it('rejects out-of-range parameters before any work, with the schema in the hint', async () => {
    await s().loadSuite(await pickedFolder(SUITE));
    s().setParam('lambda', 7);
    await s().runMerge();
    const job = s().merge.job;
    expect(job.status).toBe('error');
    if (job.status !== 'error') return;
    expect(job.error.message).toContain('lambda = 7');
    expect(job.error.hint).toContain('from 0 to 2');
    expect(s().merge.runs).toHaveLength(0);
    s().resetParams();
    expect(s().merge.given).toEqual({});
  });

  it('merges a pool of loaded models (no suite): a run to download, no table', async () => {
    const picked = [...await pickedFolder(fixturePath('tiny-a')), ...await pickedFolder(fixturePath('merge/task-1'), 'task-1'), ...await pickedFolder(fixturePath('merge/task-2'), 'task-2')];
    await s().addGroups(groupFiles(picked));
    s().setMethod('average');
    await s().runMerge();
    const [run] = s().merge.runs;
    expect(run.merged.suiteId).toBeNull();
    expect(run.report.status).toBe('idle');
    const files = await s().mergeFiles(run.key);
    expect(JSON.parse(files.configJson).num_hidden_layers).toBe(2);
    expect(files.model.size).toBe(run.merged.bytesWritten);
    await s().removeRun(run.key);
    expect(s().merge.runs).toHaveLength(0);
  });

  it('a cancelled merge leaves no run and the next merge works', async () => {
    await s().loadSuite(await pickedFolder(SUITE));
    s().setEvalLimit(8);
    const p = s().runMerge();
    await s().cancelMerge();
    await p;
    expect(s().merge.job).toEqual({ status: 'cancelled' });
    expect(s().merge.runs).toHaveLength(0);
    await s().runMerge();
    expect(s().merge.runs).toHaveLength(1);
    expect(s().merge.runs[0].report.status).toBe('done');
  });

  it('an evaluation cancelled after its merge keeps the run; evaluating it later fills in its table', async () => {
    await s().loadSuite(await pickedFolder(SUITE));
    s().setEvalLimit(8);
    const stop = store.subscribe((st) => {
      if (st.merge.job.status === 'running' && st.merge.job.phase === 'evaluating') { stop(); void st.cancelMerge(); }
    });
    await s().runMerge();
    expect(s().merge.job).toEqual({ status: 'cancelled' });
    const [run] = s().merge.runs;
    expect(run.report.status).toBe('idle');
    await s().evaluateRun(run.key);
    expect(s().merge.runs[0].report.status).toBe('done');
    expect(s().merge.job).toEqual({ status: 'idle' });
  });

  it('with a suite and loaded models, the user picks which pool to merge', async () => {
    await s().loadSuite(await pickedFolder(SUITE));
    await s().addGroups(groupFiles([...await pickedFolder(fixturePath('tiny-a')), ...await pickedFolder(fixturePath('merge/task-3'), 'task-3')]));
    s().setEvalLimit(4);
    await s().runMerge();
    s().setUseModels(true);
    await s().runMerge();
    expect(s().merge.runs.map((r) => r.merged.suiteId === null)).toEqual([false, true]);
  });

  it('a backend change re-opens the suite in the new engine and forgets the old merges', async () => {
    await s().loadSuite(await pickedFolder(SUITE));
    s().setEvalLimit(4);
    await s().runMerge();
    expect(s().merge.runs).toHaveLength(1);
    await s().setBackendSetting('cpu');
    expect(s().suite.status).toBe('ready');
    expect(s().merge.runs).toHaveLength(0);
    await s().runMerge(); // the suite id is valid in the new engine
    expect(s().merge.runs[0].report.status).toBe('done');
  });

  it('the λ sweep scores only the last λ of a quick drag; λ 0 scores like the pretrained model', async () => {
    await s().loadSuite(await pickedFolder(SUITE));
    const first = s().setSweepLambda(0.9);
    const last = s().setSweepLambda(0);
    await Promise.all([first, last]);
    const { sweep } = s();
    expect(sweep.status).toBe('done');
    expect(sweep.scoredLambda).toBe(0);
    for (const row of Object.values(sweep.report!.tasks)) expect(row.merged!.accuracy).toBe(row.pretrained.accuracy);
    expect(sweep.report!.tasks.waves.images).toBe(Math.min(sweep.limit, 24));
    await s().setSweepLambda(1);
    expect(s().sweep.scoredLambda).toBe(1);
    expect(s().sweep.history.map((h) => h.lambda)).toEqual([0, 1]); // 0.9 was superseded before it ran
    expect(s().sweep.history[1].merged).toBe(s().sweep.report!.average.merged!.accuracy);
  });

  it('runs the task-vector analytics of the suite', async () => {
    await s().loadSuite(await pickedFolder(SUITE));
    await s().runAnalytics();
    const t = s().analytics.task;
    expect(t.status).toBe('done');
    if (t.status !== 'done') return;
    expect(t.result.tasks).toEqual(['waves', 'folders', 'scans']);
    expect(t.result.norms.every((n) => n > 0)).toBe(true);
    expect(s().analytics.jobId).toBeNull();
  });

  it('a broken suite shows its error; loading a good one replaces it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mergelab-store-'));
    try {
      await cp(SUITE, join(dir, 'bad'), { recursive: true });
      await writeFile(join(dir, 'bad', 'manifest.json'), '{"name": "bad", "tasks": []}');
      await s().loadSuite(await pickedFolder(join(dir, 'bad')));
      expect(s().suite.status).toBe('error');
      expect(s().suite.error?.message).toContain('bad/manifest.json');
      expect(s().suite.error?.hint).not.toBe('');
      await s().loadSuite(await pickedFolder(SUITE));
      expect(s().suite.status).toBe('ready');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
