/**
 * The lab's zustand store: the backend, checkpoints and pool slices over one EngineLink. Created
 * by a factory so the page uses the worker and tests use the in-process engine.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { EngineLink, type StartEngine } from './engine-link';
import { createBackendSlice } from './slices/backend';
import { createCheckpointsSlice } from './slices/checkpoints';
import { createPoolSlice } from './slices/pool';
import { createAnalyticsSlice } from './slices/analytics';
import { createCacheSlice } from './slices/cache';
import { createMemorySlice } from './slices/memory';
import type { CacheStore } from '../browser/opfs-store';
import { createMergeSlice } from './slices/merge';
import { createSuiteSlice } from './slices/suite';
import { createAssemblySlice } from './slices/assembly';
import { createSweepSlice } from './slices/sweep';
import { createTrainSlice } from './slices/train';
import { createExplorerSlice } from './slices/explorer';
import { createSubsetSlice } from './slices/subset';
import { createLessonSlice } from './slices/lesson';
import { createExplorerViewSlice } from './slices/explorer-view';
import { createRunsSlice, watchRuns } from './slices/runs';
import type { RunsDb } from './runs/db';
import type { LabContext, LabState } from './slices/lab-state';
import type { KeyValueStorage } from './settings';

export type { LabState } from './slices/lab-state';
export type LabStore = StoreApi<LabState>;

export interface LabStoreOptions {
  startEngine: StartEngine;
  storage?: KeyValueStorage | null;
  search?: string;
  clearUrlForce?: () => void;
  /** Absolute URL of the demo zoo (default: /zoo/mini8/ on localhost, for tests). */
  demoUrl?: string;
  /** Delay of the λ sweep after the slider stops (default 250 ms). */
  sweepDebounceMs?: number;
  /** Starts the UMAP worker for the bias explorer (the page: startEmbedWorker; tests: an in-process EmbedApi). */
  startEmbed?: LabContext['startEmbed'];
  /** Opens the OPFS input cache (the page: OpfsCache.open); absent: nothing is cached. */
  openCache?: () => Promise<CacheStore | null>;
  /** Opens the persisted runs database (the page: openRunsDb); absent: runs live in memory only. */
  runsDb?: () => Promise<RunsDb>;
}

export function createLabStore(opts: LabStoreOptions): LabStore {
  const ctx: LabContext = {
    engine: new EngineLink(opts.startEngine),
    storage: opts.storage ?? null,
    search: opts.search ?? '',
    clearUrlForce: opts.clearUrlForce ?? (() => undefined),
    demoUrl: opts.demoUrl ?? 'http://127.0.0.1/zoo/mini8/',
    sweepDebounceMs: opts.sweepDebounceMs ?? 250,
    startEmbed: opts.startEmbed,
    openCache: opts.openCache,
    runsDb: opts.runsDb,
  };
  const store = createStore<LabState>()((set, get) => ({
    ...createBackendSlice(set, get, ctx),
    ...createCheckpointsSlice(set, get, ctx),
    ...createPoolSlice(set, get, ctx),
    ...createSuiteSlice(set, get, ctx),
    ...createAssemblySlice(set, get, ctx),
    ...createMergeSlice(set, get, ctx),
    ...createSweepSlice(set, get, ctx),
    ...createAnalyticsSlice(set, get, ctx),
    ...createCacheSlice(set, get, ctx),
    ...createMemorySlice(set, get, ctx),
    ...createTrainSlice(set, get, ctx),
    ...createExplorerSlice(set, get, ctx),
    ...createSubsetSlice(set, get, ctx),
    ...createLessonSlice(set, get, ctx),
    ...createExplorerViewSlice(set, get, ctx),
    ...createRunsSlice(set, get, ctx),
  }));
  watchRuns(store);
  return store;
}
