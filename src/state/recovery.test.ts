/**
 * A worker that recovers, on the in-process engine behind the same guard the worker client uses
 * (crash.ts engineLife): the engine "dies" in the middle of a merge (its pending call would never
 * answer), and the store must end that job, restart the engine, open the same model files and
 * the same suite files again in it, keep the recorded runs (IndexedDB) and every setting, and
 * merge again. An engine that dies before it started is not restarted in a loop, and one that
 * dies too often stops being restarted until the user asks.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../engine/data/png-decoder.node';
import { fixturePath } from '../engine/testing/fixtures.node';
import { crashInfo, engineLife, type EngineLife } from '../worker/crash';
import { createInProcessEngine } from '../worker/in-process';
import { pickedFolder } from '../worker/lab-files.node';
import type { StartEngine } from './engine-link';
import { openRunsDb } from './runs/db';
import { MAX_RESTARTS } from './slices/recovery';
import { createLabStore, type LabState, type LabStore } from './store';

let n = 0;

function dyingStore(opts: { dieDuringInit?: boolean } = {}) {
  const lives: EngineLife[] = [];
  const startEngine: StartEngine = (onCrash) => {
    const api = createInProcessEngine({ decoder: nodeImageDecoder });
    const life = engineLife(api, () => undefined, onCrash);
    lives.push(life);
    if (opts.dieDuringInit && lives.length === 1) queueMicrotask(() => life.died(crashInfo('its script could not be loaded')));
    return { api: life.api, terminate: life.terminate };
  };
  const dbName = `recovery-test-${n++}`;
  const store = createLabStore({ startEngine, storage: { getItem: () => 'cpu', setItem: () => undefined }, runsDb: () => openRunsDb(dbName) });
  return { store, lives, dbName };
}

/** Resolves with the state once `ok` holds (checked on every change). */
function until(store: LabStore, ok: (s: LabState) => boolean): Promise<LabState> {
  return new Promise((resolve) => {
    if (ok(store.getState())) return resolve(store.getState());
    const stop = store.subscribe((s) => { if (ok(s)) { stop(); resolve(s); } });
  });
}

describe('engine recovery', () => {
  it('a crash mid-merge ends the job, restarts the engine, re-opens models and suite, keeps runs and settings, and merges again', async () => {
    const { store, lives, dbName } = dyingStore();
    const s = () => store.getState();
    await s().start();
    await s().loadRuns();
    await s().loadSuite(await pickedFolder(fixturePath('suite-tiny')));
    await s().addGroups({ groups: [{ name: 'pretrained', files: await pickedFolder(fixturePath('suite-tiny', 'models', 'pretrained')) }, { name: 'waves', files: await pickedFolder(fixturePath('suite-tiny', 'models', 'waves')) }], ignored: [] });
    const tasks = s().suite.info!.tasks.map((t) => t.name);
    expect(s().setTaskSubset([tasks[0], tasks[2]])).toBeNull();
    s().setEvalLimit(8);
    await s().runMerge(); // Task Arithmetic: recorded
    await until(store, (st) => st.runs.records.length === 1);
    s().setMethod('ties');
    s().setParam('k', 30);
    s().setTrainLimit(16);
    s().setCorrectionParam('rank', 4);
    await s().setSweepLambda(0.7);
    const before = { record: s().runs.records[0] };

    const stop = store.subscribe((st) => {
      if (st.merge.job.status === 'running' && lives.length === 1) { stop(); lives[0].died(crashInfo('its WebAssembly backend aborted (Aborted(OOM))')); }
    });
    await s().runMerge(); // returns although the engine's answer never comes
    const after = await until(store, (st) => st.backend.crash?.state === 'recovered');

    expect(lives).toHaveLength(2);
    expect(after.backend.crash).toMatchObject({ error: { code: 'engine-crashed', message: 'The engine stopped: its WebAssembly backend aborted (Aborted(OOM)).' }, lost: ['the merge that was running'], dropped: 1, count: 1 });
    expect(after.backend.status).toBe('ready');
    expect(after.merge.job).toEqual({ status: 'idle' });
    // The same files, opened in the new engine.
    expect(after.suite.status).toBe('ready');
    expect(after.suite.info!.tasks.map((t) => t.name)).toEqual(tasks);
    expect(after.checkpoints.map((c) => [c.name, c.status])).toEqual([['pretrained', 'ready'], ['waves', 'ready']]);
    const pool = await lives[1].api.checkPool(after.checkpoints[0].engineId!, [after.checkpoints[1].engineId!]);
    expect(pool.ok).toBe(true); // the models are open in the new engine (the suite: the merge below)
    // Settings and runs kept.
    expect(after.subset.tasks).toEqual([tasks[0], tasks[2]]);
    expect(after.merge).toMatchObject({ method: 'ties', given: { k: 30 }, evalLimit: 8 });
    expect(after.train).toMatchObject({ limit: 16, given: { rank: 4 } });
    expect(after.sweep.lambda).toBe(0.7);
    expect(after.runs.records).toEqual([before.record]);
    expect(after.merge.runs).toEqual([]);

    // And the lab goes on: a new merge is evaluated on the subset and recorded.
    await s().runMerge();
    const run = s().merge.runs[0];
    expect(run.report.status).toBe('done');
    if (run.report.status === 'done') expect(Object.keys(run.report.result.tasks)).toEqual([tasks[0], tasks[2]]);
    await until(store, (st) => st.runs.records.length === 2);
    const again = await openRunsDb(dbName);
    expect((await again.load()).records.map((r) => r.stages[0].method)).toEqual(['task_arithmetic', 'ties']);
    again.close();
  });

  it('an engine that dies before it started is reported, not restarted in a loop; the button starts it', async () => {
    const { store, lives } = dyingStore({ dieDuringInit: true });
    await store.getState().start();
    expect(store.getState().backend).toMatchObject({ status: 'error', error: { code: 'engine-crashed' }, crash: null });
    expect(lives).toHaveLength(1);
    await store.getState().restartEngine();
    expect(lives).toHaveLength(2);
    expect(store.getState().backend.status).toBe('ready');
  });

  it(`restarts by itself ${MAX_RESTARTS} times, then stops and offers the restart`, async () => {
    const { store, lives } = dyingStore();
    await store.getState().start();
    for (let i = 1; i <= MAX_RESTARTS; i++) {
      lives.at(-1)!.died(crashInfo(`crash ${i}`));
      await until(store, (st) => st.backend.crash?.count === i && st.backend.crash.state === 'recovered');
    }
    expect(lives).toHaveLength(MAX_RESTARTS + 1);
    lives.at(-1)!.died(crashInfo('one too many'));
    const failed = await until(store, (st) => st.backend.crash?.state === 'failed');
    expect(failed.backend.crash!.failure).toContain(`stopped ${MAX_RESTARTS + 1} times`);
    expect(failed.backend.status).toBe('error');
    expect(lives).toHaveLength(MAX_RESTARTS + 1);
    await store.getState().restartEngine();
    expect(store.getState().backend).toMatchObject({ status: 'ready', crash: { state: 'recovered' } });
    expect(lives).toHaveLength(MAX_RESTARTS + 2);
  });
});
