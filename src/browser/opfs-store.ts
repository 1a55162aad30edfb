/**
 * The input cache in the Origin Private File System. Browser only (the page for
 * copying and the index, the worker for features); the pure parts are engine/io/opfs-index.ts and
 * engine/eval/opfs-features.ts. Layout under the origin's OPFS root:
 *
 *   mergelab-cache/index.json                       the entries (checkpoint and suite folders)
 *   mergelab-cache/files/<content hash>             each distinct file once
 *   mergelab-cache/features/<suite entry hash>/*.mlf persisted reference features of a suite
 *   mergelab-cache/tmp/<n>                          a file being copied, moved into files/ once hashed
 *
 * A file is copied in 8 MiB chunks while it is hashed (one read of the user's file; reading the next
 * chunk, hashing and writing overlap: the copy is bound by OPFS writes, 0.16 GB/s measured here on
 * a loaded machine, against 0.24 GB/s for crypto.subtle SHA-256, scripts/bench-cache.ts); cached files
 * come back as OPFS File objects (lazy Blobs), so the engine reads them tensor by tensor as before.
 */
import { type FeatureStore } from '../engine/eval/opfs-features';
import {
  type CacheEntry, type CacheIndex, type CacheKind, type CachedFile, CacheError, ContentHasher, HASH_CHUNK, QuotaError, entryHash, parseIndex, withEntry, withoutEntry,
} from '../engine/io/opfs-index';
import type { EngineFile, Progress } from '../worker/api';

const ROOT = 'mergelab-cache';

/** FileSystemFileHandle.move (Chromium 110+, not in TypeScript's DOM lib yet). */
interface MovableHandle extends FileSystemFileHandle {
  move(dir: FileSystemDirectoryHandle, name: string): Promise<void>;
}
/** The async iteration of a directory (DOM.AsyncIterable, not in this project's lib). */
interface ListableDirectory extends FileSystemDirectoryHandle {
  values(): AsyncIterableIterator<FileSystemHandle>;
}

const isNotFound = (e: unknown) => e instanceof DOMException && (e.name === 'NotFoundError' || e.name === 'TypeMismatchError');
const isQuota = (e: unknown) => e instanceof DOMException && e.name === 'QuotaExceededError';

async function rootDir(): Promise<FileSystemDirectoryHandle | null> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!storage?.getDirectory) return null;
  try {
    return await (await storage.getDirectory()).getDirectoryHandle(ROOT, { create: true });
  } catch {
    return null; // OPFS refused (e.g. a private window): the lab works without the cache
  }
}

async function readText(dir: FileSystemDirectoryHandle, name: string): Promise<string | null> {
  try {
    return await (await (await dir.getFileHandle(name)).getFile()).text();
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

async function writeBytes(dir: FileSystemDirectoryHandle, name: string, data: Uint8Array | string): Promise<void> {
  const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
  try {
    await w.write(data as FileSystemWriteChunkType);
    await w.close();
  } catch (e) {
    await w.abort().catch(() => undefined);
    throw e;
  }
}

/** Sum of the sizes of the files in a directory (0 when it does not exist). */
async function dirBytes(parent: FileSystemDirectoryHandle, name: string): Promise<number> {
  let dir: ListableDirectory;
  try {
    dir = (await parent.getDirectoryHandle(name)) as ListableDirectory;
  } catch (e) {
    if (isNotFound(e)) return 0;
    throw e;
  }
  let sum = 0;
  for await (const h of dir.values()) if (h.kind === 'file') sum += (await (h as FileSystemFileHandle).getFile()).size;
  return sum;
}

export interface CacheUsage {
  /** navigator.storage.estimate() of the whole origin. */
  usage: number;
  quota: number;
  /** Entry hash → bytes of its features (its files' bytes are in the entry). */
  features: Record<string, number>;
  /** Bytes of the features of served suites (the demo), which have no entry. */
  servedFeatures: number;
}

/** What the page's cache slice needs from a cache (OpfsCache in the browser; tests keep one in memory). */
export interface CacheStore {
  index(): Promise<CacheIndex>;
  add(kind: CacheKind, name: string, files: readonly EngineFile[], onProgress?: (p: Progress) => void): Promise<CacheEntry>;
  files(entry: CacheEntry): Promise<EngineFile[]>;
  remove(hash: string): Promise<void>;
  clear(): Promise<void>;
  usage(entries: readonly CacheEntry[]): Promise<CacheUsage>;
}

export class OpfsCache implements CacheStore {
  private queue: Promise<unknown> = Promise.resolve();
  private tmpCount = 0;

  private constructor(private readonly root: FileSystemDirectoryHandle) {}

  /** The cache of this origin, or null where OPFS is not available. */
  static async open(): Promise<OpfsCache | null> {
    const root = await rootDir();
    return root ? new OpfsCache(root) : null;
  }

  /** Runs index changes one after another (copies in two tabs would still race: last index wins). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private dir(name: string): Promise<FileSystemDirectoryHandle> {
    return this.root.getDirectoryHandle(name, { create: true });
  }

  async index(): Promise<CacheIndex> {
    return parseIndex(await readText(this.root, 'index.json'));
  }

  private writeIndex(index: CacheIndex): Promise<void> {
    return writeBytes(this.root, 'index.json', JSON.stringify(index));
  }

  /**
   * Copies a folder's files into the cache while hashing them, and records the entry (a folder
   * already cached is recorded once). Refuses with QuotaError before copying when the free space
   * is smaller than the files, and when the browser's quota is hit during the copy (the partial
   * copy is removed).
   */
  async add(kind: CacheKind, name: string, files: readonly EngineFile[], onProgress?: (p: Progress) => void): Promise<CacheEntry> {
    const total = files.reduce((s, f) => s + f.blob.size, 0);
    const what = `${kind} "${name}"`;
    const { usage = 0, quota = Infinity } = await navigator.storage.estimate();
    if (total > quota - usage) throw new QuotaError(what, quota - usage, total);
    const [stored, tmp] = [await this.dir('files'), await this.dir('tmp')];
    const cached: CachedFile[] = [];
    let done = 0;
    for (const f of files) {
      const tmpName = `${Date.now()}-${this.tmpCount++}`;
      const handle = (await tmp.getFileHandle(tmpName, { create: true })) as MovableHandle;
      const hasher = new ContentHasher();
      const w = await handle.createWritable();
      try {
        // Three stages overlap: the next chunk is read while this one is hashed and written.
        const read = (o: number) => f.blob.slice(o, o + HASH_CHUNK).arrayBuffer();
        let next = read(0);
        for (let o = 0; o < f.blob.size || o === 0; o += HASH_CHUNK) {
          const chunk = new Uint8Array(await next);
          if (o + HASH_CHUNK < f.blob.size) next = read(o + HASH_CHUNK);
          await Promise.all([hasher.chunk(chunk), w.write(chunk)]);
          done += chunk.length;
          onProgress?.({ stage: `caching ${f.path}`, done, total, unit: 'bytes' });
          if (f.blob.size === 0) break;
        }
        await w.close();
      } catch (e) {
        await w.abort().catch(() => undefined);
        await tmp.removeEntry(tmpName).catch(() => undefined);
        if (isQuota(e)) {
          const est = await navigator.storage.estimate();
          throw new QuotaError(what, (est.quota ?? 0) - (est.usage ?? 0), total - done);
        }
        throw e;
      }
      const hash = await hasher.hex();
      if (await stored.getFileHandle(hash).then(() => true, () => false)) await tmp.removeEntry(tmpName);
      else await handle.move(stored, hash);
      cached.push({ path: f.path, bytes: f.blob.size, hash });
    }
    const entry: CacheEntry = { hash: await entryHash(kind, cached), kind, name, files: cached, bytes: total, added: new Date().toISOString() };
    await this.serial(async () => this.writeIndex(withEntry(await this.index(), entry)));
    return entry;
  }

  /** The entry's files as OPFS File objects (lazy), under their original paths. */
  async files(entry: CacheEntry): Promise<EngineFile[]> {
    const stored = await this.dir('files');
    return Promise.all(entry.files.map(async (f) => {
      try {
        return { path: f.path, blob: await (await stored.getFileHandle(f.hash)).getFile() };
      } catch (e) {
        if (isNotFound(e)) throw new CacheError(`The cached copy of ${entry.name}/${f.path} is missing.`, 'Delete this cache entry and load the folder again from your disk.');
        throw e;
      }
    }));
  }

  /** Forgets an entry, its features and the stored files no other entry uses. */
  remove(hash: string): Promise<void> {
    return this.serial(async () => {
      const { index, unused } = withoutEntry(await this.index(), hash);
      await this.writeIndex(index);
      const stored = await this.dir('files');
      for (const h of unused) await stored.removeEntry(h).catch(() => undefined);
      await (await this.dir('features')).removeEntry(hash, { recursive: true }).catch(() => undefined);
    });
  }

  /** Removes everything (a damaged index included). */
  clear(): Promise<void> {
    return this.serial(async () => {
      for (const name of ['files', 'features', 'tmp']) await this.root.removeEntry(name, { recursive: true }).catch(() => undefined);
      await this.root.removeEntry('index.json').catch(() => undefined);
    });
  }

  async usage(entries: readonly CacheEntry[]): Promise<CacheUsage> {
    const { usage = 0, quota = 0 } = await navigator.storage.estimate();
    const features: Record<string, number> = {};
    const dir = (await this.dir('features')) as ListableDirectory;
    let servedFeatures = 0;
    const listed = new Set(entries.map((e) => e.hash));
    for await (const h of dir.values()) {
      if (h.kind !== 'directory') continue;
      const bytes = await dirBytes(dir, h.name);
      if (listed.has(h.name)) features[h.name] = bytes;
      else servedFeatures += bytes;
    }
    return { usage, quota, features, servedFeatures };
  }
}

/** The persisted features of one cached suite (used by the worker's PersistentFeatureCache). */
export async function openOpfsFeatureStore(suiteHash: string): Promise<FeatureStore> {
  const root = await rootDir();
  if (!root) throw new CacheError('This browser offers no Origin Private File System here, so features cannot be kept across reloads.', 'Use a current Chromium, Firefox or Safari outside a private window.');
  const dir = await (await root.getDirectoryHandle('features', { create: true })).getDirectoryHandle(suiteHash, { create: true });
  return {
    async load(name) {
      try {
        return new Uint8Array(await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer());
      } catch (e) {
        if (isNotFound(e)) return null;
        throw e;
      }
    },
    save: (name, bytes) => writeBytes(dir, name, bytes),
  };
}
