/**
 * The page's side of the embedding worker: starts embed.worker.ts and presents it as an EmbedApi
 * (progress callbacks wrapped with Comlink.proxy). Feature arrays are copied, not transferred: the
 * page keeps them for nearest-neighbour look-ups in the original space. terminate() is the hard
 * cancel (PCA and kNN cannot be interrupted between chunks); a new client starts a fresh worker.
 * For Node and tests, use createEmbedApi({ backend: null }) from embed-api.ts in-process.
 */
import * as Comlink from 'comlink';
import type { ErrorInfo } from '../engine/errors';
import type { EmbedApi } from '../worker/embed-api';

export interface EmbedHandle {
  api: EmbedApi;
  terminate(): void;
}

export function startEmbedWorker(onCrash: (info: ErrorInfo) => void): EmbedHandle {
  const worker = new Worker(new URL('./embed.worker.ts', import.meta.url), { type: 'module', name: 'mergelab-embed' });
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    onCrash({ name: 'WorkerError', code: 'worker', message: `The embedding worker failed: ${e.message || 'it could not be loaded'}.`, hint: 'Reload the page and start the layout again.' });
  });
  const remote = Comlink.wrap<EmbedApi>(worker);
  const api: EmbedApi = {
    init: () => remote.init(),
    cancel: () => remote.cancel(),
    has: (keys, opts) => remote.has(keys, opts),
    embed: (sets, opts, onProgress) => remote.embed(sets, opts, onProgress ? Comlink.proxy(onProgress) : undefined) as Promise<Awaited<ReturnType<EmbedApi['embed']>>>,
  };
  return { api, terminate: () => worker.terminate() };
}
