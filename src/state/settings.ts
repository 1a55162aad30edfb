/**
 * The backend setting: persisted in localStorage, overridden by the `?backend=` URL parameter.
 * Pure functions over a Storage-like object and a query string, so Node tests can use them.
 */
import type { BackendName } from '../engine/backend';

/** engine/backend.ts's BACKENDS, repeated so the page bundle does not pull in tfjs. */
const BACKENDS = ['webgpu', 'wasm', 'webgl', 'cpu'] as const satisfies readonly BackendName[];

export type BackendSetting = 'auto' | BackendName;
export const BACKEND_SETTINGS: readonly BackendSetting[] = ['auto', ...BACKENDS];
const KEY = 'mergelab.backend';

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const isBackend = (s: string | null): s is BackendName => (BACKENDS as readonly string[]).includes(s ?? '');

export function loadBackendSetting(storage: KeyValueStorage | null): BackendSetting {
  const v = storage?.getItem(KEY) ?? null;
  return isBackend(v) ? v : 'auto';
}

export function saveBackendSetting(storage: KeyValueStorage | null, s: BackendSetting): void {
  storage?.setItem(KEY, s);
}

/** `?backend=webgpu|wasm|webgl|cpu`; an unknown value is reported, not ignored. */
export function backendFromUrl(search: string): { force: BackendName | null; problem: string | null } {
  const v = new URLSearchParams(search).get('backend');
  if (v === null || v === '' || v === 'auto') return { force: null, problem: null };
  if (isBackend(v)) return { force: v, problem: null };
  return { force: null, problem: `Unknown ?backend=${v}; use one of ${BACKENDS.join(', ')}. The automatic choice is used.` };
}
