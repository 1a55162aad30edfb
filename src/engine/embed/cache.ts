/**
 * Finished layouts by feature set: the key is the sets' keys in order plus every option that
 * changes the result (seed, budget, nNeighbors, minDist, PCA dims, epochs), so reopening the same
 * comparison costs nothing. Least recently used layouts beyond `maxEntries` are dropped.
 */
import { DEFAULT_BUDGET, type EmbedOptions, type SharedLayout } from './embed';

export function layoutKey(setKeys: readonly string[], opts: EmbedOptions = {}): string {
  return JSON.stringify([setKeys, opts.seed ?? 0, opts.budget ?? DEFAULT_BUDGET, opts.nNeighbors ?? 15, opts.minDist ?? 0.1, opts.pcaDims ?? 50, opts.nEpochs ?? null]);
}

export class LayoutCache {
  private readonly entries = new Map<string, SharedLayout>();
  private readonly pending = new Map<string, Promise<SharedLayout>>();

  constructor(readonly maxEntries = 8) {}

  get size(): number { return this.entries.size; }

  get(key: string): SharedLayout | undefined {
    const l = this.entries.get(key);
    if (l) { this.entries.delete(key); this.entries.set(key, l); } // most recently used last
    return l;
  }

  set(key: string, layout: SharedLayout): void {
    this.entries.delete(key);
    this.entries.set(key, layout);
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(k);
    }
  }

  /** The cached layout, or computes it once (concurrent calls for one key share the work; a failure is not cached). */
  getOrCompute(key: string, compute: () => Promise<SharedLayout>): Promise<SharedLayout> {
    const hit = this.get(key);
    if (hit) return Promise.resolve(hit);
    let p = this.pending.get(key);
    if (!p) {
      p = compute().then((l) => { this.set(key, l); return l; }).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  clear(): void {
    this.entries.clear();
  }
}
