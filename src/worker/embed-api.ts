/**
 * The embedding service: shared UMAP layouts of several models' features, cached
 * by feature set, one job at a time. The same object runs in its own Web Worker
 * (embed.worker.ts, separate from the tfjs engine worker so a long layout never blocks a merge)
 * and in-process (Node, tests). tfjs runs on WASM here (PCA and kNN are matrix products); the
 * layout itself is plain JS.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendChoice, type BackendName } from '../engine/backend';
import { LayoutCache, layoutKey } from '../engine/embed/cache';
import { type EmbedOptions, type EmbedProgress, embedFeatures, type FeatureSet, type SharedLayout } from '../engine/embed/embed';

export interface EmbedApi {
  /** Initialises tfjs once (see EmbedApiOptions.backend) and says which backend runs. */
  init(): Promise<BackendName>;
  /** A shared layout of `sets` (cached by their keys and the options). Rejects with CancelledError after cancel(). */
  embed(sets: FeatureSet[], opts?: EmbedOptions, onProgress?: (p: EmbedProgress) => void): Promise<SharedLayout>;
  /** Cancels the running layout at its next chunk (PCA and kNN run to their end first). */
  cancel(): Promise<void>;
  /** Whether a layout for these keys and options is cached. */
  has(setKeys: string[], opts?: EmbedOptions): Promise<boolean>;
}

export interface EmbedApiOptions {
  /**
   * How to start tfjs: WASM with these binaries (the worker), or null to use whatever backend the
   * realm already runs (in-process: Node, tests). Default: WASM, package-located binaries.
   */
  backend?: { wasmPaths?: Record<string, string> } | null;
  /** Layouts kept (default 8). */
  cacheEntries?: number;
}

export function createEmbedApi(opts: EmbedApiOptions = {}): EmbedApi {
  const cache = new LayoutCache(opts.cacheEntries);
  let signal = { aborted: false };
  let backend: Promise<BackendName> | null = null;
  const init = () => (backend ??= opts.backend === null
    ? tf.ready().then(() => tf.getBackend() as BackendName)
    : initBackend({ force: 'wasm', wasmPaths: opts.backend?.wasmPaths }).then((c: BackendChoice) => c.backend));
  return {
    init,
    async embed(sets, options = {}, onProgress) {
      await init();
      const key = layoutKey(sets.map((s) => s.key), options);
      return cache.getOrCompute(key, () => {
        signal = { aborted: false };
        return embedFeatures(sets, options, { onProgress, signal });
      });
    },
    async cancel() {
      signal.aborted = true;
    },
    async has(setKeys, options = {}) {
      return cache.get(layoutKey(setKeys, options)) !== undefined;
    },
  };
}
