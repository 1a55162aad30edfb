/**
 * The cache slice on the in-process engine (CPU backend), with the cache kept in memory (the
 * OPFS one is exercised in Chromium by e2e/cache.spec.ts): a picked suite and model are cached
 * after they open, a second store on the same cache (a reload) restores them without the user's
 * files and reads the six reference feature sets instead of computing them; a quota error is
 * shown while the model stays usable; delete and clear.
 */
import { describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../engine/data/png-decoder.node';
import type { FeatureStore } from '../engine/eval/opfs-features';
import {
  type CacheEntry, type CacheIndex, type CacheKind, type CachedFile, ContentHasher, HASH_CHUNK, QuotaError, emptyIndex, entryHash, withEntry, withoutEntry,
} from '../engine/io/opfs-index';
import { fixturePath } from '../engine/testing/fixtures.node';
import type { EngineFile } from '../worker/api';
import { createInProcessEngine } from '../worker/in-process';
import { pickedFolder } from '../worker/lab-files.node';
import type { CacheStore, CacheUsage } from '../browser/opfs-store';
import { groupFiles } from './group-files';
import { createLabStore } from './store';

/** A stored file that counts the bytes read through slice() (how the engine reads a Blob). */
class CountingBlob extends Blob {
  constructor(parts: BlobPart[], private readonly onRead: (n: number) => void) { super(parts); }
  override slice(start = 0, end = this.size, type?: string): Blob {
    this.onRead(Math.max(0, Math.min(end, this.size) - start));
    return super.slice(start, end, type);
  }
}

/** OpfsCache's contract over Maps: files stored once by content hash, the same index functions. */
class MemoryCache implements CacheStore {
  /** Bytes read from stored model.safetensors files. */
  modelBytesRead = 0;
  private idx: CacheIndex = emptyIndex();
  readonly stored = new Map<string, Blob>();
  readonly features = new Map<string, Map<string, Uint8Array>>();
  quota = Infinity;

  async index() { return structuredClone(this.idx); }

  async add(kind: CacheKind, name: string, files: readonly EngineFile[]): Promise<CacheEntry> {
    const bytes = files.reduce((s, f) => s + f.blob.size, 0);
    const used = [...this.stored.values()].reduce((s, b) => s + b.size, 0);
    if (bytes > this.quota - used) throw new QuotaError(`${kind} "${name}"`, this.quota - used, bytes);
    const cached: CachedFile[] = [];
    for (const f of files) {
      const h = new ContentHasher();
      for (let o = 0; o < f.blob.size || o === 0; o += HASH_CHUNK) {
        await h.chunk(new Uint8Array(await f.blob.slice(o, o + HASH_CHUNK).arrayBuffer()));
        if (f.blob.size === 0) break;
      }
      const hash = await h.hex();
      const isModel = f.path.endsWith('model.safetensors');
      this.stored.set(hash, new CountingBlob([await f.blob.arrayBuffer()], (n) => { if (isModel) this.modelBytesRead += n; }));
      cached.push({ path: f.path, bytes: f.blob.size, hash });
    }
    const entry = { hash: await entryHash(kind, cached), kind, name, files: cached, bytes, added: new Date().toISOString() };
    this.idx = withEntry(this.idx, entry);
    return entry;
  }

  async files(entry: CacheEntry) { return entry.files.map((f) => ({ path: f.path, blob: this.stored.get(f.hash)! })); }

  async remove(hash: string) {
    const { index, unused } = withoutEntry(this.idx, hash);
    this.idx = index;
    for (const h of unused) this.stored.delete(h);
    this.features.delete(hash);
  }

  async clear() { this.idx = emptyIndex(); this.stored.clear(); this.features.clear(); }

  async usage(entries: readonly CacheEntry[]): Promise<CacheUsage> {
    const features: Record<string, number> = {};
    for (const e of entries) features[e.hash] = [...(this.features.get(e.hash)?.values() ?? [])].reduce((s, b) => s + b.length, 0);
    return { usage: [...this.stored.values()].reduce((s, b) => s + b.size, 0), quota: this.quota, features, servedFeatures: 0 };
  }

  featureStore = async (suiteHash: string): Promise<FeatureStore> => {
    const dir = this.features.get(suiteHash) ?? new Map<string, Uint8Array>();
    this.features.set(suiteHash, dir);
    return { load: async (name) => dir.get(name) ?? null, save: async (name, bytes) => { dir.set(name, bytes.slice()); } };
  };
}

function labOn(cache: MemoryCache) {
  const store = createLabStore({
    startEngine: () => ({ api: createInProcessEngine({ decoder: nodeImageDecoder, featureStore: cache.featureStore }), terminate: () => undefined }),
    storage: { getItem: () => 'cpu', setItem: () => undefined },
    openCache: async () => cache,
  });
  return store;
}

/** Polls until `ok()` (the slice copies in the background, as the page does). */
async function waitFor(ok: () => boolean, what: string) {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
}

describe('cache slice', () => {
  it('caches opened folders; a reload restores them from the cache and reads the reference features', async () => {
    const cache = new MemoryCache();
    const first = labOn(cache);
    const s1 = () => first.getState();
    await s1().start();
    await s1().refreshCache();
    expect(s1().cache.supported).toBe(true);
    await s1().loadSuite(await pickedFolder(fixturePath('suite-tiny')));
    await s1().addGroups(groupFiles(await pickedFolder(fixturePath('tiny-a'))));
    await waitFor(() => s1().cache.entries.length === 2 && !s1().cache.job && !!s1().cache.features, 'both copies');
    expect(s1().cache.entries.map((e) => [e.kind, e.name]).sort()).toEqual([['checkpoint', 'tiny-a'], ['suite', 'suite-tiny']]);
    expect(s1().cache.error).toBeNull();
    s1().setEvalLimit(8);
    await s1().runMerge();
    await s1().refreshFeatureStats();
    expect(s1().cache.features).toMatchObject({ persisted: true, loaded: 0, written: 6, errors: 0 });
    const before = s1().merge.runs[0].report;

    const second = labOn(cache); // a reload: same cache, nothing picked
    const s2 = () => second.getState();
    await s2().start();
    await s2().refreshCache();
    expect(s2().cache.usage!.features[s2().cache.entries.find((e) => e.kind === 'suite')!.hash]).toBeGreaterThan(0);
    await s2().restoreCache();
    expect(s2().suite.status).toBe('ready');
    expect(s2().checkpoints.map((c) => [c.name, c.status])).toEqual([['tiny-a', 'ready']]);
    const blobs = new Set(cache.stored.values());
    expect(s2().checkpoints[0].files.every((f) => blobs.has(f.blob))).toBe(true); // read from the cache, not the disk
    await waitFor(() => !!s2().cache.features?.persisted, 'the restored suite to persist its features');
    expect(s2().cache.entries).toHaveLength(2); // restored, not copied again
    s2().setEvalLimit(8);
    const suiteEntry = s2().cache.entries.find((e) => e.kind === 'suite')!;
    const fingerprints = JSON.parse(new TextDecoder().decode(cache.features.get(suiteEntry.hash)!.get('fingerprints.json')!));
    expect(Object.keys(fingerprints).sort()).toEqual(['folders', 'pretrained', 'scans', 'waves'].map((m) => `models/${m}`));
    const modelBytes = suiteEntry.files.filter((f) => f.path.endsWith('model.safetensors')).reduce((n, f) => n + f.bytes, 0);
    cache.modelBytesRead = 0;
    await s2().runMerge();
    const afterReload = cache.modelBytesRead;
    cache.modelBytesRead = 0;
    await s2().runMerge(); // the references are in memory now: this reads what a merge alone reads
    // The first merge after the reload read no more than that: the references' features came from
    // the cache and the models' fingerprints from the suite's entry (fingerprinting them would
    // have read every model once more).
    expect(cache.modelBytesRead).toBeGreaterThan(0);
    expect(afterReload).toBe(cache.modelBytesRead);
    expect(modelBytes).toBeGreaterThan(0.4 * afterReload);
    await s2().refreshFeatureStats();
    expect(s2().cache.features).toMatchObject({ persisted: true, loaded: 6, written: 0 });
    expect(s2().merge.runs[0].report).toEqual(before);

    const suite = s2().cache.entries.find((e) => e.kind === 'suite')!;
    await s2().deleteCacheEntry(suite.hash);
    expect(s2().cache.entries.map((e) => e.name)).toEqual(['tiny-a']);
    expect(s2().cache.features).toBeNull();
    expect(cache.features.has(suite.hash)).toBe(false);
    await s2().clearCache();
    expect(s2().cache.entries).toEqual([]);
    expect(s2().cache.usage?.usage).toBe(0);
  });

  it('reports a quota error with sizes; the model stays usable, nothing is cached', async () => {
    const cache = new MemoryCache();
    cache.quota = 1000;
    const lab = labOn(cache);
    const s = () => lab.getState();
    await s().start();
    await s().addGroups(groupFiles(await pickedFolder(fixturePath('tiny-a'))));
    await waitFor(() => s().cache.error !== null, 'the quota error');
    expect(s().cache.error).toMatchObject({ code: 'quota' });
    expect(s().cache.error!.message).toMatch(/^Not enough space to cache checkpoint "tiny-a": 1000 B free, .* needed\.$/);
    expect(s().cache.entries).toEqual([]);
    expect(s().checkpoints[0].status).toBe('ready');
    await s().runForward(s().checkpoints[0].key);
    expect(s().checkpoints[0].forward.status).toBe('done');
  });

  it('does nothing where there is no cache', async () => {
    const lab = createLabStore({
      startEngine: () => ({ api: createInProcessEngine({ decoder: nodeImageDecoder }), terminate: () => undefined }),
      storage: { getItem: () => 'cpu', setItem: () => undefined },
    });
    await lab.getState().start();
    await lab.getState().refreshCache();
    expect(lab.getState().cache.supported).toBe(false);
    await lab.getState().addGroups(groupFiles(await pickedFolder(fixturePath('tiny-a'))));
    await lab.getState().cacheFolder('checkpoint', 'tiny-a', lab.getState().checkpoints[0].files);
    expect(lab.getState().cache).toMatchObject({ entries: [], error: null, job: null });
  });
});
