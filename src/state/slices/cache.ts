/**
 * Cache slice: the OPFS copy of the folders the user opened. A picked or dropped
 * checkpoint folder or suite folder is copied (and content-hashed) after it opened, one folder at a
 * time, with progress; a copied suite's reference features are then kept in OPFS by the worker
 * (persistFeatures). After a reload the page lists the entries and restores them on request
 * ("Restore", or one entry's "Open"): their files come back as OPFS Files, nothing is re-read from
 * the user's disk. A served suite (the demo) is not copied; the worker keeps its features by itself. A failed copy (quota, a browser without OPFS) is shown and changes nothing:
 * the opened files keep working from the user's disk.
 */
import type { CacheEntry, CacheKind } from '../../engine/io/opfs-index';
import { asErrorInfo, type EngineFile, type ErrorInfo, type FeatureCacheStats, type Progress } from '../../worker/api';
import type { CacheStore, CacheUsage } from '../../browser/opfs-store';
import type { SliceCreator } from './lab-state';

export interface CacheSlice {
  cache: {
    /** null until checked; false where the browser offers no OPFS (nothing is cached). */
    supported: boolean | null;
    entries: CacheEntry[];
    usage: CacheUsage | null;
    /** The copy in progress (folders wait in turn). */
    job: { name: string; progress: Progress | null } | null;
    error: ErrorInfo | null;
    /** The loaded suite's persisted features (null: the suite is not cached). */
    features: FeatureCacheStats | null;
  };
  /** Reads the index and the storage usage again. */
  refreshCache(): Promise<void>;
  /** Copies an opened folder into the cache (a suite's features are then persisted). Never throws. */
  cacheFolder(kind: CacheKind, name: string, files: EngineFile[], suiteId?: string): Promise<void>;
  /** Opens one cached entry (checkpoint in the Models panel, or the suite). */
  restoreEntry(hash: string): Promise<void>;
  /** Opens every cached checkpoint and the most recent cached suite. */
  restoreCache(): Promise<void>;
  deleteCacheEntry(hash: string): Promise<void>;
  clearCache(): Promise<void>;
  /** The loaded suite's feature counters (polled by the Cache panel). */
  refreshFeatureStats(): Promise<void>;
}

export const createCacheSlice: SliceCreator<CacheSlice> = (set, get, ctx) => {
  let opened: Promise<CacheStore | null> | null = null;
  /** Blob → hashes of the entries it belongs to (restored from, or copied into, the cache; one stored file can serve several). */
  const known = new WeakMap<Blob, Set<string>>();
  const remember = (blob: Blob, hash: string) => { const set = known.get(blob) ?? new Set<string>(); set.add(hash); known.set(blob, set); };
  let queue: Promise<unknown> = Promise.resolve();
  /** Hash of the cached entry the loaded suite is persisting its features under. */
  let persistedSuite: { suiteId: string; hash: string } | null = null;

  const patch = (p: Partial<CacheSlice['cache']>) => set((s) => ({ cache: { ...s.cache, ...p } }));
  const store = () => (opened ??= (ctx.openCache?.() ?? Promise.resolve(null)).catch(() => null));

  const fail = (e: unknown) => patch({ error: asErrorInfo(e) });

  const persist = async (suiteId: string, hash: string) => {
    if (get().suite.info?.id !== suiteId) return; // replaced meanwhile
    persistedSuite = { suiteId, hash };
    const api = await ctx.engine.api();
    patch({ features: await api.persistFeatures(suiteId, hash) });
  };

  /** A listed entry (not deleted since) that every file of a folder already belongs to, if any. */
  const entryOf = (kind: CacheKind, files: EngineFile[]) => {
    const listed = get().cache.entries.filter((e) => e.kind === kind && files.every((f) => known.get(f.blob)?.has(e.hash)));
    return listed[0]?.hash ?? null;
  };

  const filesOf = async (cache: CacheStore, entry: CacheEntry) => {
    const files = await cache.files(entry);
    for (const f of files) remember(f.blob, entry.hash);
    return files;
  };

  return {
    cache: { supported: null, entries: [], usage: null, job: null, error: null, features: null },

    async refreshCache() {
      const cache = await store();
      if (!cache) return patch({ supported: false });
      try {
        const { entries } = await cache.index();
        patch({ supported: true, entries, usage: await cache.usage(entries) });
      } catch (e) {
        patch({ supported: true, entries: [], usage: null });
        fail(e);
      }
    },

    cacheFolder(kind, name, files, suiteId) {
      const run = async () => {
        const cache = await store();
        if (!cache || files.length === 0) return;
        const done = entryOf(kind, files);
        if (done) return void (suiteId && (await persist(suiteId, done)));
        patch({ job: { name, progress: null }, error: null });
        try {
          const entry = await cache.add(kind, name, files, (progress) => patch({ job: { name, progress } }));
          for (const f of files) remember(f.blob, entry.hash);
          if (suiteId) await persist(suiteId, entry.hash);
        } finally {
          patch({ job: null });
        }
        await get().refreshCache();
      };
      const p = queue.then(run).catch(fail);
      queue = p;
      return p;
    },

    async restoreEntry(hash) {
      const cache = await store();
      const entry = get().cache.entries.find((e) => e.hash === hash);
      if (!cache || !entry) return;
      try {
        const files = await filesOf(cache, entry);
        if (entry.kind === 'suite') await get().loadSuite(files);
        else await get().addGroups({ groups: [{ name: entry.name, files }], ignored: [] });
      } catch (e) {
        fail(e);
      }
    },

    async restoreCache() {
      const { entries } = get().cache;
      const suite = entries.find((e) => e.kind === 'suite');
      await Promise.all([
        ...entries.filter((e) => e.kind === 'checkpoint').map((e) => get().restoreEntry(e.hash)),
        ...(suite ? [get().restoreEntry(suite.hash)] : []),
      ]);
    },

    async deleteCacheEntry(hash) {
      const cache = await store();
      if (!cache) return;
      try {
        await cache.remove(hash);
        if (persistedSuite?.hash === hash) { persistedSuite = null; patch({ features: null }); }
      } catch (e) {
        fail(e);
      }
      await get().refreshCache();
    },

    async clearCache() {
      const cache = await store();
      if (!cache) return;
      try {
        await cache.clear();
        persistedSuite = null;
        patch({ features: null, error: null });
      } catch (e) {
        fail(e);
      }
      await get().refreshCache();
    },

    async refreshFeatureStats() {
      const { info, source } = get().suite;
      const id = info?.id;
      // A picked suite shows its counters while its entry exists; a served one (the demo) persists by itself.
      if (!id || (source?.kind !== 'url' && persistedSuite?.suiteId !== id)) return;
      const before = get().cache.features?.written;
      try {
        const stats = await (await ctx.engine.api()).featureCacheStats(id);
        if (get().suite.info?.id === id) patch({ features: stats.persisted ? stats : null });
      } catch {
        return; // the suite closed meanwhile: nothing to show
      }
      if (get().cache.features?.written !== before) await get().refreshCache(); // the usage grew
    },
  };
};
