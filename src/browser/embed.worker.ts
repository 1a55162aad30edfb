/**
 * The embedding worker: createEmbedApi() exposed with Comlink, on its own thread so a UMAP layout
 * (seconds) never blocks the page or the engine worker. tfjs gets the absolute URLs of its wasm
 * binaries, bundled by Vite as assets; a layout's arrays are transferred back, not copied, and progress
 * callbacks (Comlink proxies) are released when their call settles.
 */
import * as Comlink from 'comlink';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { createEmbedApi, type EmbedApi } from '../worker/embed-api';

const absolute = (url: string) => new URL(url, self.location.href).href;

const api = createEmbedApi({
  backend: {
    wasmPaths: {
      'tfjs-backend-wasm.wasm': absolute(wasmUrl),
      'tfjs-backend-wasm-simd.wasm': absolute(simdUrl),
      'tfjs-backend-wasm-threaded-simd.wasm': absolute(threadedSimdUrl),
    },
  },
});

const exposed: EmbedApi = {
  init: () => api.init(),
  cancel: () => api.cancel(),
  has: (keys, opts) => api.has(keys, opts),
  async embed(sets, opts, onProgress) {
    try {
      const l = await api.embed(sets, opts, onProgress);
      const copy = { ...l, images: l.images.slice(), positions: l.positions.slice() }; // the cache keeps the original
      return Comlink.transfer(copy, [copy.images.buffer, copy.positions.buffer]);
    } finally {
      (onProgress as Partial<Comlink.Remote<unknown>> | undefined)?.[Comlink.releaseProxy]?.();
    }
  },
};

Comlink.expose(exposed);
