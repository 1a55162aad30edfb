/**
 * The page's side of the worker: starts engine.worker.ts as an ES module worker and presents it as
 * an EngineApi. Function arguments (progress callbacks) are wrapped with Comlink.proxy on the way
 * out (the worker releases them).
 *
 * It also notices the worker's death, however it happens, and reports it once through onCrash:
 * - the worker says it cannot go on (a WebAssembly abort, out of memory, a lost WebGPU device:
 *   see worker/crash.ts) and closes itself;
 * - the worker's script fails to load or throws where nothing catches it (an `error` event);
 * - the worker is simply gone (the browser ended it, e.g. out of memory): a dead worker fires no
 *   event, so it holds a Web Lock for its whole life, and the page asks for the same lock, which
 *   is granted exactly when the worker's realm has ended.
 * Every call still waiting then rejects with crashInfo (no call waits forever on a dead worker).
 */
import * as Comlink from 'comlink';
import type { EngineApi, ErrorInfo } from '../worker/api';
import { crashInfo, engineLife } from '../worker/crash';

export interface EngineHandle {
  api: EngineApi;
  /** Stops the worker on purpose (e.g. to restart it on another backend): not a crash. */
  terminate(): void;
  /** Test hook (automated browsers only): makes the worker die as a real crash would. */
  debugCrash?(how: DebugCrash): void;
}

/**
 * `close`: the worker ends itself silently; `abort`: it throws a WebAssembly RuntimeError nothing
 * catches; `device-lost`: it destroys its WebGPU device (on the webgpu backend only).
 */
export type DebugCrash = 'close' | 'abort' | 'device-lost';

/** Messages the worker sends outside Comlink (no `id`, so Comlink ignores them). */
export interface LifelineMessage {
  mergelabLifeline?: 'held';
  /** The worker cannot go on, in plain words; it closes itself right after. */
  mergelabFatal?: string;
}

export function startWorkerEngine(onCrash: (info: ErrorInfo) => void): EngineHandle {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  const lock = `mergelab-engine-${crypto.randomUUID()}`;
  // Only an automated browser (Playwright sets navigator.webdriver) gets the crash hook.
  const debug = typeof navigator !== 'undefined' && navigator.webdriver === true;
  const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: `mergelab-engine#${lock}${debug ? '#debug' : ''}` });
  const remote = Comlink.wrap<EngineApi>(worker) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const api = new Proxy({} as EngineApi, {
    // `then` must stay undefined, or the api would look like a promise to `await`.
    get: (_, method) => (typeof method !== 'string' || method === 'then' ? undefined : (...args: unknown[]) =>
      remote[method](...args.map((a) => (typeof a === 'function' ? Comlink.proxy(a) : a)))),
  });
  const life = engineLife(api, () => worker.terminate(), onCrash);
  const died = life.died;

  const gone = 'the browser ended it (this happens when a tab runs out of memory)';

  worker.addEventListener('message', (e: MessageEvent<LifelineMessage>) => {
    const data = e.data;
    if (!data || typeof data !== 'object') return;
    if (data.mergelabFatal) died(crashInfo(data.mergelabFatal));
    // The worker holds the lock now: ours is granted when its realm ends, whatever ends it.
    if (data.mergelabLifeline === 'held') void locks?.request(lock, () => died(crashInfo(gone)));
  });
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    died(crashInfo(e.message ? `an error nothing caught (${e.message})` : 'its script could not be loaded'));
  });
  worker.addEventListener('messageerror', () => died(crashInfo('a message from it could not be read')));

  return {
    api: life.api,
    terminate: life.terminate,
    ...(debug ? { debugCrash: (how: DebugCrash) => worker.postMessage({ mergelabDebug: how }) } : {}),
  };
}
