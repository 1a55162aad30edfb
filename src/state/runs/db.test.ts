/**
 * The runs database on fake-indexeddb (a real in-memory IndexedDB): round trip, delete, clear,
 * the schema created by the upgrade, reopening keeps the runs, and corrupt, foreign or newer
 * stored values reported with their keys instead of failing the load.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { DB_VERSION, openRunsDb } from './db';
import { RUN_RECORD_VERSION } from './record';
import { sampleRecord } from './sample.node';

let n = 0;
const dbName = () => `runs-test-${n++}`;

describe('runs database', () => {
  it('stores records, loads them oldest first after a reopen, deletes one and clears all', async () => {
    const name = dbName();
    const db = await openRunsDb(name);
    const a = sampleRecord('a', '2026-12-01T10:00:00.000Z');
    const b = sampleRecord('b', '2026-12-01T09:00:00.000Z', { kind: 'train', extraParams: 1234, preset: 'quick', seed: 0 });
    await db.put(a);
    await db.put(b);
    db.close();
    const again = await openRunsDb(name);
    expect(await again.load()).toEqual({ records: [b, a], problems: [] });
    await again.delete('b');
    expect((await again.load()).records.map((r) => r.id)).toEqual(['a']);
    await again.clear();
    expect(await again.load()).toEqual({ records: [], problems: [] });
    again.close();
  });

  it('creates the schema version with its store keyed by id and a createdAt index', async () => {
    const name = dbName();
    (await openRunsDb(name)).close();
    const raw = await openDB(name);
    expect(raw.version).toBe(DB_VERSION);
    const tx = raw.transaction('runs');
    expect(tx.store.keyPath).toBe('id');
    expect([...tx.store.indexNames]).toEqual(['createdAt']);
    raw.close();
  });

  it('reports corrupt, foreign and newer stored values by key and still loads the good ones', async () => {
    const name = dbName();
    const db = await openRunsDb(name);
    await db.put(sampleRecord('good', '2026-12-01T10:00:00.000Z'));
    db.close();
    const raw = await openDB(name);
    await raw.put('runs', { id: 'broken', version: RUN_RECORD_VERSION, kind: 'merge', label: 3 });
    await raw.put('runs', { id: 'newer', version: RUN_RECORD_VERSION + 1 });
    await raw.put('runs', { id: 'foreign', hello: 'world' });
    raw.close();
    const again = await openRunsDb(name);
    const { records, problems } = await again.load();
    expect(records.map((r) => r.id)).toEqual(['good']);
    expect(problems.map((p) => p.key).sort()).toEqual(['broken', 'foreign', 'newer']);
    const by = Object.fromEntries(problems.map((p) => [p.key, p.error]));
    expect(by.broken.code).toBe('run-record');
    expect(by.broken.message).toContain('label is not a string');
    expect(by.broken.message).toContain('stages are missing or malformed');
    expect(by.newer.hint).toContain('newer mergelab');
    expect(by.foreign.message).toContain('record version undefined');
    await again.delete('broken');
    expect((await again.load()).problems.map((p) => p.key).sort()).toEqual(['foreign', 'newer']);
    again.close();
  });
});
