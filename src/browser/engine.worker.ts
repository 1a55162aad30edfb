/**
 * The Web Worker that runs the engine: exposes createEngineApi() with Comlink. It imports the
 * WebGPU backend (browser only) and hands the wasm backend the absolute URLs of its three
 * binaries, bundled by Vite as assets; its init installs the transposed-matMul kernels on WASM
 * (engine/train/wasm-matmul.ts), as the CLI does, so the page trains with the same kernels. Progress callbacks arrive as Comlink proxies
 * and are released here once their call settles.
 *
 * Its death is made visible to the page (client.ts): it holds a Web Lock named in its `name` for
 * its whole life, and when an error leaves it unusable (worker/crash.ts fatalCause: a WebAssembly
 * abort, out of memory, a lost WebGPU device, or any error nothing caught) it tells the page in
 * plain words and closes itself instead of answering later calls from a broken backend. In an
 * automated browser (its name ends in "#debug") a test can make it die the same ways.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { EngineApi } from '../worker/api';
import type { DebugCrash, LifelineMessage } from './client';
import { fatalCause } from '../worker/crash';
import { createEngineApi } from '../worker/engine-api';
import { browserImageDecoder } from './image-decoder';
import { openOpfsFeatureStore } from './opfs-store';

const [, lock, debug] = self.name.split('#');
const post = (m: LifelineMessage) => self.postMessage(m);

/** Ends this worker after telling the page why (once; the rejection being answered goes first). */
let dying = false;
function die(cause: string) {
  if (dying) return;
  dying = true;
  post({ mergelabFatal: cause });
  setTimeout(() => self.close(), 0);
}

if (lock && typeof navigator !== 'undefined' && navigator.locks) {
  void navigator.locks.request(lock, () => { post({ mergelabLifeline: 'held' }); return new Promise<never>(() => undefined); });
}
self.addEventListener('error', (e) => {
  e.preventDefault();
  die(fatalCause(e.error ?? e.message) ?? `an error nothing caught (${e.message})`);
});
self.addEventListener('unhandledrejection', (e) => {
  const cause = fatalCause(e.reason);
  if (cause) { e.preventDefault(); die(cause); }
});

/** A lost WebGPU device takes every tensor on it: the engine cannot go on. */
function watchDevice() {
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  void device?.lost.then((info) => die(`the graphics device (WebGPU) was lost (${info.reason ?? 'unknown'}: ${info.message})`));
}

if (debug === 'debug') {
  self.addEventListener('message', (e: MessageEvent<{ mergelabDebug?: DebugCrash }>) => {
    const how = e.data?.mergelabDebug;
    if (!how) return;
    e.stopImmediatePropagation(); // not a Comlink call
    if (how === 'close') self.close();
    if (how === 'abort') setTimeout(() => { throw new WebAssembly.RuntimeError('Aborted(a crash the e2e test asked for)'); }, 0);
    if (how === 'device-lost') (tf.backend() as unknown as { device?: GPUDevice }).device?.destroy();
  });
}

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
      method(...args)
        .then((r) => { if (name === 'init' && tf.getBackend() === 'webgpu') watchDevice(); return r; })
        .catch((e: unknown) => {
          const cause = fatalCause(e);
          if (cause) die(cause);
          throw e;
        })
        .finally(() => {
          for (const a of args) {
            if (typeof a === 'function') (a as Partial<Comlink.Remote<unknown>>)[Comlink.releaseProxy]?.();
          }
        });
  }
  return wrapped as unknown as EngineApi;
}

Comlink.expose(releasingCallbacks(api));
