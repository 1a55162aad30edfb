/**
 * The page's side of the worker: starts engine.worker.ts as an ES module worker and presents it as
 * an EngineApi. Function arguments (progress callbacks) are wrapped with Comlink.proxy on the way
 * out (the worker releases them); a worker that fails to load or crashes is reported through
 * onCrash as ErrorInfo.
 */
import * as Comlink from 'comlink';
import type { EngineApi, ErrorInfo } from './api';

export interface EngineHandle {
  api: EngineApi;
  /** Stops the worker (e.g. to restart it on another backend). */
  terminate(): void;
}

export function startWorkerEngine(onCrash: (info: ErrorInfo) => void): EngineHandle {
  const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'mergelab-engine' });
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    onCrash({ name: 'WorkerError', code: 'worker', message: `The engine worker failed: ${e.message || 'it could not be loaded'}.`, hint: 'Reload the page; if it happens again, pick another backend in the settings.' });
  });
  worker.addEventListener('messageerror', () => {
    onCrash({ name: 'WorkerError', code: 'worker', message: 'A message from the engine worker could not be read.', hint: 'Reload the page.' });
  });
  const remote = Comlink.wrap<EngineApi>(worker) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const api = new Proxy({} as EngineApi, {
    // `then` must stay undefined, or the api would look like a promise to `await`.
    get: (_, method) => (typeof method !== 'string' || method === 'then' ? undefined : (...args: unknown[]) =>
      remote[method](...args.map((a) => (typeof a === 'function' ? Comlink.proxy(a) : a)))),
  });
  return { api, terminate: () => worker.terminate() };
}
