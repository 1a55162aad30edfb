/**
 * The run records in IndexedDB (through idb): one object store keyed by record id, with an index
 * on createdAt. The database's schema version is DB_VERSION; `upgrade` brings any older database
 * up to it step by step (version 1: the store and its index). Loading never throws for one bad
 * record: a value that is not a readable record (corrupt, foreign, or written by a newer version)
 * is returned as a problem with its key and left in place until the user deletes it.
 *
 * Every write is one readwrite transaction with `durability: 'strict'`, and put/delete/clear
 * resolve only once that transaction completed (`tx.done`), so a caller that waits for them
 * shows nothing the next page load would not see. A transaction is atomic: a record whose write
 * is cut short (the tab closes, the quota runs out) is not stored at all, never in part.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { asErrorInfo, type ErrorInfo } from '../../worker/api';
import { parseRecord, type RunRecord } from './record';

export const DB_NAME = 'mergelab-runs';
export const DB_VERSION = 1;
const STORE = 'runs';
/** Committed means on disk: a run the page showed as saved (or deleted) survives a crash too. */
const STRICT: IDBTransactionOptions = { durability: 'strict' };

interface RunsSchema extends DBSchema {
  runs: { key: string; value: unknown; indexes: { createdAt: string } };
}

export interface RecordProblem {
  /** The stored key (delete(key) removes it). */
  key: string;
  error: ErrorInfo;
}

export interface RunsDb {
  /** Every readable record, oldest first, and every stored value that is not one. */
  load(): Promise<{ records: RunRecord[]; problems: RecordProblem[] }>;
  /** Each resolves once its transaction committed (and rejects when it aborted). */
  put(record: RunRecord): Promise<void>;
  delete(key: string): Promise<void>;
  clear(): Promise<void>;
  close(): void;
}

function upgrade(db: IDBPDatabase<RunsSchema>, oldVersion: number): void {
  if (oldVersion < 1) {
    const store = db.createObjectStore(STORE, { keyPath: 'id' });
    store.createIndex('createdAt', 'createdAt');
  }
}

/** Opens (creating or upgrading) the runs database in the realm's indexedDB. */
export async function openRunsDb(name = DB_NAME): Promise<RunsDb> {
  const db = await openDB<RunsSchema>(name, DB_VERSION, { upgrade: (d, oldVersion) => upgrade(d, oldVersion) });
  return {
    async load() {
      const tx = db.transaction(STORE);
      const records: RunRecord[] = [];
      const problems: RecordProblem[] = [];
      for (let cursor = await tx.store.openCursor(); cursor; cursor = await cursor.continue()) {
        try {
          records.push(parseRecord(cursor.value));
        } catch (e) {
          problems.push({ key: String(cursor.key), error: asErrorInfo(e) });
        }
      }
      await tx.done;
      records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
      return { records, problems };
    },
    async put(record) {
      const tx = db.transaction(STORE, 'readwrite', STRICT);
      await Promise.all([tx.store.put(record), tx.done]);
    },
    async delete(key) {
      const tx = db.transaction(STORE, 'readwrite', STRICT);
      await Promise.all([tx.store.delete(key), tx.done]);
    },
    async clear() {
      const tx = db.transaction(STORE, 'readwrite', STRICT);
      await Promise.all([tx.store.clear(), tx.done]);
    },
    close: () => db.close(),
  };
}

