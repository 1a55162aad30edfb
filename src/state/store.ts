/**
 * The lab's zustand store: the backend, checkpoints and pool slices over one EngineLink. Created
 * by a factory so the page uses the worker and tests use the in-process engine.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { EngineLink, type StartEngine } from './engine-link';
import { createBackendSlice } from './slices/backend';
import { createCheckpointsSlice } from './slices/checkpoints';
import { createPoolSlice } from './slices/pool';
import type { LabContext, LabState } from './slices/types';
import type { KeyValueStorage } from './settings';

export type { LabState } from './slices/types';
export type LabStore = StoreApi<LabState>;

export interface LabStoreOptions {
  startEngine: StartEngine;
  storage?: KeyValueStorage | null;
  search?: string;
  clearUrlForce?: () => void;
}

export function createLabStore(opts: LabStoreOptions): LabStore {
  const ctx: LabContext = {
    engine: new EngineLink(opts.startEngine),
    storage: opts.storage ?? null,
    search: opts.search ?? '',
    clearUrlForce: opts.clearUrlForce ?? (() => undefined),
  };
  return createStore<LabState>()((set, get) => ({
    ...createBackendSlice(set, get, ctx),
    ...createCheckpointsSlice(set, get, ctx),
    ...createPoolSlice(set, get, ctx),
  }));
}
