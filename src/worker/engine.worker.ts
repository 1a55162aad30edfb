/**
 * The Web Worker that runs the engine: exposes createEngineApi() with Comlink. It imports the
 * WebGPU backend (browser only) and hands the wasm backend the absolute URLs of its three
 * binaries, bundled by Vite (TOOLCHAIN gotcha 4). Progress callbacks arrive as Comlink proxies
 * and are released here once their call settles.
 */
import * as Comlink from 'comlink';
import '@tensorflow/tfjs-backend-webgpu';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { EngineApi } from './api';
import { createEngineApi } from './engine-api';
import { browserImageDecoder } from './image-decoder';
import { openOpfsFeatureStore } from './opfs-store';

const absolute = (url: string) => new URL(url, self.location.href).href;

const api = createEngineApi({
  wasmPaths: {
    'tfjs-backend-wasm.wasm': absolute(wasmUrl),
    'tfjs-backend-wasm-simd.wasm': absolute(simdUrl),
    'tfjs-backend-wasm-threaded-simd.wasm': absolute(threadedSimdUrl),
  },
  decoder: browserImageDecoder,
  featureStore: openOpfsFeatureStore,
});

/** Releases the Comlink proxies among a call's arguments (progress callbacks) when it settles. */
function releasingCallbacks(target: EngineApi): EngineApi {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(target) as [string, (...a: unknown[]) => Promise<unknown>][]) {
    wrapped[name] = (...args: unknown[]) =>
      method(...args).finally(() => {
        for (const a of args) {
          if (typeof a === 'function') (a as Partial<Comlink.Remote<unknown>>)[Comlink.releaseProxy]?.();
        }
      });
  }
  return wrapped as unknown as EngineApi;
}

Comlink.expose(releasingCallbacks(api));
