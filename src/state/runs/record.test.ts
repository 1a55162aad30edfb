/**
 * Run records from real runs: the lab store on the in-process engine (CPU backend, suite-tiny)
 * merges and trains, the runs slice records each finished run once with its resolved parameters,
 * inputs (names, sizes, fingerprints from the merged file's metadata), per-task scores equal to
 * the evaluation report, the job's tfjs peak and extra parameters — persisted in fake-indexeddb
 * (a real in-memory IndexedDB) so a second store on the same database loads them back.
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../../engine/data/png-decoder.node';
import { fixturePath } from '../../engine/testing/fixtures.node';
import type { JobMemory } from '../../worker/api';
import { createInProcessEngine } from '../../worker/in-process';
import { pickedFolder } from '../../worker/lab-files.node';
import { createLabStore, type LabState, type LabStore } from '../store';
import { openRunsDb } from './db';
import { parseRecord } from './record';

const SUITE = fixturePath('suite-tiny');
let n = 0;

function makeStore(dbName: string): LabStore {
  return createLabStore({
    startEngine: () => ({ api: createInProcessEngine({ decoder: nodeImageDecoder }), terminate: () => undefined }),
    storage: { getItem: () => 'cpu', setItem: () => undefined },
    runsDb: () => openRunsDb(dbName),
  });
}

/** Resolves once the store lists `count` records: a record is listed only after its write committed. */
function records(store: LabStore, count: number) {
  const listed = () => store.getState().runs.records.length >= count;
  return new Promise<LabState['runs']['records']>((resolve) => {
    if (listed()) return resolve(store.getState().runs.records);
    const stop = store.subscribe(() => { if (listed()) { stop(); resolve(store.getState().runs.records); } });
  });
}

describe('run records', () => {
  let store: LabStore;
  let dbName: string;
  beforeEach(async () => {
    dbName = `record-test-${n++}`;
    store = makeStore(dbName);
    await store.getState().start();
    await store.getState().loadRuns();
    await store.getState().loadSuite(await pickedFolder(SUITE));
  });
  const s = () => store.getState();

  it('records a merge once its evaluation is done, with the report, inputs and memory, and reloads it', async () => {
    expect(s().runs.status).toBe('ready');
    s().setMethod('dare');
    s().setParam('seed', 7);
    s().setEvalLimit(8);
    await s().runMerge();
    const [rec] = await records(store, 1);
    const run = s().merge.runs[0];
    if (run.report.status !== 'done') throw new Error('not evaluated');
    const report = run.report.result;
    expect(rec).toMatchObject({ version: 1, kind: 'merge', label: run.label, seed: 7, preset: null, imageLimit: 8, suite: 'tiny', backend: 'cpu', extraParams: 0 });
    expect(rec.stages).toEqual([{ stage: 'merge', method: 'dare', params: run.merged.params, steps: 0 }]);
    expect(rec.inputs.map((i) => [i.role, i.name])).toEqual([['pretrained', 'pretrained'], ['expert', 'waves'], ['expert', 'folders'], ['expert', 'scans']].map(([r, nm]) => [r, expect.stringContaining(nm)]));
    expect(rec.inputs.every((i) => typeof i.bytes === 'number' && i.bytes > 0 && /^[0-9a-f]{16}$/.test(i.fingerprint!))).toBe(true);
    expect(rec.fingerprintKind).toContain('not a cryptographic hash');
    expect(rec.tasks.map((t) => [t.task, t.images, t.accuracy, t.individual, t.pretrained])).toEqual(
      Object.entries(report.tasks).map(([t, r]) => [t, 8, r.merged!.accuracy, r.individual.accuracy, r.pretrained.accuracy]));
    expect(rec.average?.accuracy).toBe(report.average.merged!.accuracy);
    expect(rec.peakBytes).toBeGreaterThan(0);
    const evalPeak = (report as Partial<JobMemory>).peakBytes; // the worker's evaluate reports it; MergeRun types the plain EvalReport
    expect(evalPeak).toBeGreaterThan(0);
    expect(rec.peakBytes).toBe(Math.max(run.merged.peakBytes, evalPeak!));
    expect(rec.wallSeconds).toBeCloseTo(run.merged.ms / 1000);
    expect(parseRecord(structuredClone(rec))).toEqual(rec);

    const other = makeStore(dbName);
    await other.getState().loadRuns();
    expect(other.getState().runs.records).toEqual([rec]);
    expect(other.getState().runs.problems).toEqual([]);
  });

  it('records a training run with both stages, its extra parameters and the suite inputs a merge recorded', async () => {
    s().setEvalLimit(16);
    s().setTrainLimit(16);
    s().setCorrectionParam('rank', 4);
    s().setCorrectionParam('iterations', 2);
    await s().runMerge();
    await s().startTraining();
    const [merge, train] = await records(store, 2);
    const t = s().train.runs[0];
    expect(train).toMatchObject({ kind: 'train', label: t.label, seed: 0, preset: 'quick', imageLimit: 16, extraParams: t.result.extraParams, peakBytes: t.result.peakBytes });
    expect(train.extraParams).toBeGreaterThan(0);
    expect(train.stages.map((x) => [x.stage, x.method, x.steps])).toEqual([['merge', 'task_arithmetic', 0], ['correction', 'surgery', t.result.correction!.steps]]);
    expect(train.stages[1].params).toMatchObject({ rank: 4, iterations: 2 });
    expect(train.inputs).toEqual(merge.inputs);
    expect(train.average?.accuracy).toBe(t.result.report.average.merged!.accuracy);
    expect(s().runs.records).toHaveLength(2); // each run recorded once, however often the state changes
  });

  it('deletes one run and clears all, in the database too', async () => {
    s().setEvalLimit(4);
    await s().runMerge();
    s().setMethod('average');
    await s().runMerge();
    const [a, b] = await records(store, 2);
    s().selectAllRuns(true);
    expect(s().runs.selected).toEqual([a.id, b.id]);
    await s().deleteRun(a.id);
    expect(s().runs.selected).toEqual([b.id]);
    const db = await openRunsDb(dbName);
    expect((await db.load()).records.map((r) => r.id)).toEqual([b.id]);
    await s().clearRuns();
    expect((await db.load()).records).toEqual([]);
    db.close();
  });
});
