/**
 * Computed features that outlive a reload: a FeatureCache whose misses first look
 * in a persistent FeatureStore (the browser's OPFS, src/browser/opfs-store.ts) and whose computed
 * entries are written there, plus the binary form of one entry. Only the suite's own checkpoints
 * (the pretrained/individual references, keyed by their content fingerprint) are persisted; a
 * merge is gone after a reload, so its features stay in memory.
 *
 * A stored entry is named by the suite's content hash and a 64-bit hash of the FeatureCache key
 * (model fingerprint, task, data source, image count, image size, hidden states); the file holds
 * the full key, so a name collision is read as a miss, never as someone else's features.
 * Layout: "MLF1", u32 header length, header JSON {key, n, dim, layers, clsDim}, zero padding to 4
 * bytes, then z f32 [n, dim], labels i32 [n], and `layers` CLS arrays f32 [n, clsDim].
 */
import { Hash64 } from '../hash';
import { FeatureCache, type Features } from './features';
import { CacheError } from '../io/opfs-index';

const MAGIC = 'MLF1';

interface Header { key: string; n: number; dim: number; layers: number; clsDim: number }

export function encodeFeatures(key: string, f: Features): Uint8Array {
  const layers = f.cls?.length ?? 0;
  const clsDim = layers > 0 && f.n > 0 ? f.cls![0].length / f.n : 0;
  const head = new TextEncoder().encode(JSON.stringify({ key, n: f.n, dim: f.dim, layers, clsDim } satisfies Header));
  const start = Math.ceil((8 + head.length) / 4) * 4;
  const arrays: ArrayBufferView[] = [f.z, f.labels, ...(f.cls ?? [])];
  const out = new Uint8Array(start + arrays.reduce((s, a) => s + a.byteLength, 0));
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(4, head.length, true);
  out.set(head, 8);
  let o = start;
  for (const a of arrays) { out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), o); o += a.byteLength; }
  return out;
}

/** The features stored in `bytes` for `key`; null when the file holds another key (a name collision). */
export function decodeFeatures(bytes: Uint8Array, key: string): Features | null {
  const bad = (why: string) => new CacheError(`A cached feature file is damaged (${why}).`);
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw bad('no MLF1 header');
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (8 + len > bytes.length) throw bad('header longer than the file');
  let h: Header;
  try {
    h = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) as Header;
  } catch {
    throw bad('header is not JSON');
  }
  if (h.key !== key) return null;
  const start = Math.ceil((8 + len) / 4) * 4;
  const want = start + 4 * (h.n * h.dim + h.n + h.layers * h.n * h.clsDim);
  if (bytes.length !== want) throw bad(`${bytes.length} bytes, ${want} expected`);
  const body = bytes.slice(start); // its own aligned buffer
  const words = (at: number, count: number) => new Float32Array(body.buffer, at * 4, count);
  const z = words(0, h.n * h.dim);
  const labels = new Int32Array(body.buffer, h.n * h.dim * 4, h.n);
  const cls = Array.from({ length: h.layers }, (_, l) => words(h.n * h.dim + h.n + l * h.n * h.clsDim, h.n * h.clsDim));
  return { n: h.n, dim: h.dim, z, labels, cls: h.layers > 0 ? cls : null };
}

/** Where persisted features live: one suite's folder of named files. */
export interface FeatureStore {
  load(name: string): Promise<Uint8Array | null>;
  save(name: string, bytes: Uint8Array): Promise<void>;
}

/** The stored file's name for a FeatureCache key. */
export const featureFileName = (key: string): string => `${new Hash64().utf8(key).hex()}.mlf`;

/** FeatureCache keys whose model is a content fingerprint (16 hex digits): a suite's checkpoints, not a merge. */
const isReference = (key: string): boolean => /^[0-9a-f]{16}$/.test((JSON.parse(key) as unknown[])[0] as string);

/**
 * A FeatureCache backed by a FeatureStore once attach() is called (before: a plain FeatureCache).
 * Store failures never fail an evaluation: they are counted in `storeErrors` and the last one kept.
 */
export class PersistentFeatureCache extends FeatureCache {
  private store: FeatureStore | null = null;
  get persisted(): boolean { return this.store !== null; }
  private readonly saved = new Set<string>();
  /** Entries read from the store (not computed) and written to it, since attach. */
  loaded = 0;
  written = 0;
  storeErrors = 0;
  lastStoreError: unknown = null;
  /** Called after each feature set written to the store (the suite then records its fingerprints). */
  onWritten: (() => void) | null = null;

  /** Reference keys set so far (attach writes those still in memory). */
  private readonly remembered = new Set<string>();

  /** Persists from now on; reference features already in memory are written at once. */
  async attach(store: FeatureStore): Promise<void> {
    this.store = store;
    this.saved.clear();
    await Promise.all([...this.remembered].map((k) => { const f = this.get(k); return f ? this.save(k, f) : undefined; }));
  }

  override set(key: string, f: Features): void {
    super.set(key, f);
    if (isReference(key)) this.remembered.add(key);
  }

  override async getOrCompute(key: string, compute: () => Promise<Features>): Promise<Features> {
    const store = this.store;
    if (!store || !isReference(key)) return super.getOrCompute(key, compute);
    return super.getOrCompute(key, async () => {
      const stored = await this.load(store, key);
      if (stored) { this.loaded++; this.saved.add(key); return stored; }
      const f = await compute();
      await this.save(key, f);
      return f;
    });
  }

  private async load(store: FeatureStore, key: string): Promise<Features | null> {
    try {
      const bytes = await store.load(featureFileName(key));
      return bytes ? decodeFeatures(bytes, key) : null;
    } catch (e) {
      this.failed(e);
      return null; // a damaged file is recomputed (and overwritten)
    }
  }

  private async save(key: string, f: Features): Promise<void> {
    if (!this.store || this.saved.has(key)) return;
    this.saved.add(key);
    try {
      await this.store.save(featureFileName(key), encodeFeatures(key, f));
      this.written++;
      this.onWritten?.();
    } catch (e) {
      this.saved.delete(key);
      this.failed(e);
    }
  }

  private failed(e: unknown): void {
    this.storeErrors++;
    this.lastStoreError = e;
  }
}
