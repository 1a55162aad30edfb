/**
 * When the engine worker dies. Which errors leave the engine unusable (a WebAssembly abort — the
 * wasm backend's module is dead after one —, running out of memory, a lost WebGPU device), in
 * plain words; the ErrorInfo the page gets for a crash; `guardApi`, which makes every call to
 * an engine that died reject with that ErrorInfo instead of waiting forever for an answer that
 * cannot come; and `engineLife`, an engine handle's one death or stop. No DOM: the worker, its
 * client and the Node tests share it.
 */
import type { EngineApi, ErrorInfo } from './api';

/** The code of a call's rejection when the engine died under it (or was stopped on purpose). */
export const ENGINE_CRASHED = 'engine-crashed';
export const ENGINE_STOPPED = 'engine-stopped';

const RULES: [RegExp, string][] = [
  [/out of memory|\bOOM\b|allocation failed|Memory\.grow|could not allocate|Cannot enlarge memory|Maximum memory size/i, 'it ran out of memory'],
  [/device (was |is )?lost|DEVICE_LOST|GPUDevice.*(lost|destroyed)/i, 'the graphics device (WebGPU) was lost'],
  [/\bAborted\(|\babort\(|RuntimeError|unreachable/i, 'its WebAssembly backend aborted'],
];

/**
 * Plain words for an error the engine cannot continue after, or null for any other error (a
 * typed MergelabError is never fatal: it is about the input, and the engine goes on).
 */
export function fatalCause(e: unknown): string | null {
  const info = typeof e === 'object' && e !== null ? (e as Partial<ErrorInfo>) : { message: String(e) };
  if (typeof info.code === 'string' && info.code !== 'internal') return null;
  const text = `${info.name ?? ''}: ${info.message ?? ''}`;
  for (const [re, words] of RULES) {
    if (re.test(text)) return `${words} (${String(info.message ?? info.name).slice(0, 200)})`;
  }
  return null;
}

/** What a call gets, and the page shows, when the engine died: `cause` in plain words. */
export function crashInfo(cause: string): ErrorInfo {
  return {
    name: 'EngineCrashError', code: ENGINE_CRASHED, message: `The engine stopped: ${cause}.`,
    hint: 'The page restarts it and opens your models and suite again; what was running when it stopped has to be started again.',
  };
}

/** What pending calls of an engine stopped on purpose (a backend change) reject with. */
export const STOPPED_INFO: ErrorInfo = {
  name: 'EngineStoppedError', code: ENGINE_STOPPED, message: 'The engine was restarted before this call finished.', hint: 'Start it again.',
};

/**
 * `api` whose calls reject with the ErrorInfo `ended` resolves to, as soon as it does (a call in
 * flight then, or any later call); until then each call is the api's own.
 */
export function guardApi(api: EngineApi, ended: Promise<ErrorInfo>): EngineApi {
  let over: ErrorInfo | null = null;
  const death = ended.then((info) => { over = info; return Promise.reject(info); });
  death.catch(() => undefined); // a rejection nobody awaited is not an unhandled one
  const calls = api as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  return new Proxy({} as EngineApi, {
    // `then` must stay undefined, or the api would look like a promise to `await`.
    get: (_, method) => (typeof method !== 'string' || method === 'then' ? undefined : (...args: unknown[]) => {
      if (over) return Promise.reject(over);
      return Promise.race([calls[method](...args), death]);
    }),
  });
}

/** An engine handle's life: `died` reports a crash once (stopping the engine), `terminate` stops it on purpose. */
export interface EngineLife {
  /** The api, guarded: every call rejects once the engine died or was stopped. */
  api: EngineApi;
  died(info: ErrorInfo): void;
  terminate(): void;
}

/** Wraps an engine's api and its `stop` (e.g. worker.terminate) so its end happens once and reaches every pending call. */
export function engineLife(api: EngineApi, stop: () => void, onCrash: (info: ErrorInfo) => void): EngineLife {
  let end: (info: ErrorInfo) => void = () => undefined;
  const ended = new Promise<ErrorInfo>((r) => { end = r; });
  let over = false;
  const finish = (info: ErrorInfo) => {
    if (over) return false;
    over = true;
    stop();
    end(info);
    return true;
  };
  return {
    api: guardApi(api, ended),
    died: (info) => { if (finish(info)) onCrash(info); },
    terminate: () => void finish(STOPPED_INFO),
  };
}
