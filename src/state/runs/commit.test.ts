/**
 * The runs table shows what IndexedDB committed, never ahead of it: on fake-indexeddb (a real
 * in-memory IndexedDB) whose writes are held at a gate, a new run is listed, a deleted run
 * removed and a clear applied only once the transaction completed; a reload (a second database
 * connection) at any moment in between sees the same list as the table or the one before it.
 * A write that began before a clear is wiped by it and not listed; one that fails (the value
 * cannot be stored) stores nothing, is reported, and the run stays listed for this page.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createInProcessEngine } from '../../worker/in-process';
import { createLabStore, type LabStore } from '../store';
import { openRunsDb, type RunsDb } from './db';
import type { RunRecord } from './record';
import { sampleRecord } from './sample.node';

let n = 0;

/** A real runs database whose put/delete/clear wait until the test opens the gate. */
function gated(db: RunsDb) {
  let open: () => void = () => undefined;
  let gate = Promise.resolve();
  const wait = async () => { await gate; };
  return {
    db: {
      ...db,
      put: async (r: RunRecord) => { await wait(); return db.put(r); },
      delete: async (k: string) => { await wait(); return db.delete(k); },
      clear: async () => { await wait(); return db.clear(); },
    } satisfies RunsDb,
    hold() { gate = new Promise((r) => { open = r; }); },
    release() { open(); },
  };
}

async function setup() {
  const name = `commit-test-${n++}`;
  const g = gated(await openRunsDb(name));
  const store = createLabStore({
    startEngine: () => ({ api: createInProcessEngine(), terminate: () => undefined }),
    storage: { getItem: () => 'cpu', setItem: () => undefined },
    runsDb: async () => g.db,
  });
  await store.getState().loadRuns();
  /** What a reload would list. */
  const stored = async () => {
    const other = await openRunsDb(name);
    const ids = (await other.load()).records.map((r) => r.id);
    other.close();
    return ids;
  };
  return { g, store, stored };
}

const listed = (store: LabStore) => store.getState().runs.records.map((r) => r.id);
const flush = () => new Promise<void>((r) => { setImmediate(r); });

describe('runs table and IndexedDB commits', () => {
  it('lists a new run only once its write committed', async () => {
    const { g, store, stored } = await setup();
    g.hold();
    const adding = store.getState().addRecord(sampleRecord('a', '2026-12-01T10:00:00.000Z'));
    await flush();
    expect(listed(store)).toEqual([]);
    expect(store.getState().runs.saving.map((r) => r.id)).toEqual(['a']);
    expect(await stored()).toEqual([]);
    g.release();
    await adding;
    expect(listed(store)).toEqual(['a']);
    expect(store.getState().runs.saving).toEqual([]);
    expect(await stored()).toEqual(['a']);
  });

  it('removes a deleted run and applies a clear only after the database did', async () => {
    const { g, store, stored } = await setup();
    for (const id of ['a', 'b', 'c']) await store.getState().addRecord(sampleRecord(id, `2026-12-01T10:00:0${id.charCodeAt(0) - 97}.000Z`));
    store.getState().selectAllRuns(true);
    g.hold();
    const deleting = store.getState().deleteRun('b');
    await flush();
    expect(listed(store)).toEqual(['a', 'b', 'c']); // the reload would still show b
    expect(store.getState().runs.deleting).toEqual(['b']);
    expect(await stored()).toEqual(['a', 'b', 'c']);
    g.release();
    await deleting;
    expect(listed(store)).toEqual(['a', 'c']);
    expect(store.getState().runs.selected).toEqual(['a', 'c']);
    expect(store.getState().runs.deleting).toEqual([]);
    expect(await stored()).toEqual(['a', 'c']);

    g.hold();
    const clearing = store.getState().clearRuns();
    await flush();
    expect(listed(store)).toEqual(['a', 'c']);
    expect(store.getState().runs.deleting).toEqual(['a', 'c']);
    expect(await stored()).toEqual(['a', 'c']);
    g.release();
    await clearing;
    expect(listed(store)).toEqual([]);
    expect(await stored()).toEqual([]);
  });

  it('does not list a run whose write the next clear wiped, and keeps one written after the clear', async () => {
    const { store, stored } = await setup();
    await store.getState().addRecord(sampleRecord('old', '2026-12-01T09:00:00.000Z'));
    const early = store.getState().addRecord(sampleRecord('early', '2026-12-01T10:00:00.000Z')); // its transaction precedes the clear's
    const clearing = store.getState().clearRuns();
    const late = store.getState().addRecord(sampleRecord('late', '2026-12-01T11:00:00.000Z')); // and this one follows it
    await Promise.all([early, clearing, late]);
    expect(await stored()).toEqual(['late']);
    expect(listed(store)).toEqual(['late']);
  });

  it('a write that cannot be stored stores nothing, says so, and keeps the run for this page', async () => {
    const { store, stored } = await setup();
    const broken = { ...sampleRecord('x', '2026-12-01T10:00:00.000Z'), notes: [() => 1] } as unknown as RunRecord; // not structured-cloneable
    await store.getState().addRecord(broken);
    expect(await stored()).toEqual([]);
    expect(listed(store)).toEqual(['x']);
    expect(store.getState().runs.error?.message).toContain('Run "run x" could not be saved in this browser');
    expect(store.getState().runs.error?.hint).toContain('this page only');
  });

  it('runs recorded while the database opens are listed after the stored ones, once written', async () => {
    const name = `commit-test-${n++}`;
    const first = await openRunsDb(name);
    await first.put(sampleRecord('stored', '2026-12-01T09:00:00.000Z'));
    first.close();
    let opened: (db: RunsDb) => void = () => undefined;
    const store = createLabStore({
      startEngine: () => ({ api: createInProcessEngine(), terminate: () => undefined }),
      runsDb: () => new Promise((r) => { opened = r; }),
    });
    const loading = store.getState().loadRuns();
    await store.getState().addRecord(sampleRecord('new', '2026-12-01T10:00:00.000Z'));
    expect(listed(store)).toEqual([]);
    opened(await openRunsDb(name));
    await loading;
    expect(listed(store)).toEqual(['stored', 'new']);
    const again = await openRunsDb(name);
    expect((await again.load()).records.map((r) => r.id)).toEqual(['stored', 'new']);
    again.close();
  });
});
