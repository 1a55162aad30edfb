/**
 * The lab's state: plain data only (ids, summaries, statuses, small reports); tensors and file
 * contents live in the worker. Split into slices (backend, checkpoints, pool) that share one store.
 */
import type { StoreApi } from 'zustand/vanilla';
import type {
  BackendChoice, CheckpointSummary, EngineFile, ErrorInfo, ForwardReport, GoldenReport, PoolReport, Progress,
} from '../../worker/api';
import type { EngineLink } from '../engine-link';
import type { Grouping } from '../group-files';
import type { BackendSetting, KeyValueStorage } from '../settings';
import type { BackendName } from '../../engine/backend';
import type { CacheStore } from '../../browser/opfs-store';
import type { LabSlices } from './suite-merge-slices';
import type { TrainSlice } from './train';
import type { ExplorerSlice } from './explorer';
import type { EmbedHandle } from '../../browser/embed-client';
import type { SubsetSlice } from './subset';
import type { LessonSlice } from './lesson';
import type { ExplorerViewSlice } from './explorer-view';
import type { RunsSlice } from './runs';
import type { RunsDb } from '../runs/db';
import type { EngineCrash } from './recovery';
import type { AssemblySlice } from './assembly';

/** An operation's life: idle → running (with progress) → done | error. */
export type Task<T> =
  | { status: 'idle' }
  | { status: 'running'; progress: Progress | null }
  | { status: 'done'; result: T }
  | { status: 'error'; error: ErrorInfo };

/** ForwardReport without its typed array: the first values of the first embedding instead. */
export type ForwardView = Omit<ForwardReport, 'embeds'> & { embedPreview: number[]; embedDim: number };

export interface CheckpointEntry {
  /** Stable key in the page (survives worker restarts, unlike engineId). */
  key: string;
  name: string;
  /** The folder's files (File handles, read lazily by the worker). */
  files: EngineFile[];
  status: 'opening' | 'ready' | 'error';
  engineId: string | null;
  summary: CheckpointSummary | null;
  hasGolden: boolean;
  error: ErrorInfo | null;
  forward: Task<ForwardView>;
  golden: Task<GoldenReport>;
}

export interface BackendSlice {
  backend: {
    setting: BackendSetting;
    /** `?backend=` forces one over the setting. */
    urlForce: BackendName | null;
    status: 'starting' | 'ready' | 'error';
    choice: BackendChoice | null;
    error: ErrorInfo | null;
    /** The engine's last death and the recovery from it (null: none, or dismissed). */
    crash: EngineCrash | null;
  };
  /** Messages for the user that belong to no checkpoint (ignored files, a bad URL parameter). */
  notices: string[];
  start(): Promise<void>;
  setBackendSetting(s: BackendSetting): Promise<void>;
  /** Starts the engine again after it died and was not restarted by itself, and restores the lab. */
  restartEngine(): Promise<void>;
  dismissCrash(): void;
  dismissNotices(): void;
}

export interface CheckpointsSlice {
  checkpoints: CheckpointEntry[];
  /** Opens each group as a checkpoint (a group named like an existing one replaces it). */
  addGroups(g: Grouping): Promise<void>;
  removeCheckpoint(key: string): Promise<void>;
  runForward(key: string): Promise<void>;
  checkGolden(key: string): Promise<void>;
  /** Re-opens every checkpoint in a freshly started engine. */
  reopenAll(): Promise<void>;
}

export interface PoolSlice {
  pool: {
    /** The user's choice; null = the default (see pretrainedKey in selectors). */
    chosenPretrained: string | null;
    check: Task<PoolReport> | null;
  };
  setPretrained(key: string): Promise<void>;
  refreshPool(): Promise<void>;
}

export type LabState = BackendSlice & CheckpointsSlice & PoolSlice & LabSlices & TrainSlice & ExplorerSlice & SubsetSlice & LessonSlice & ExplorerViewSlice & RunsSlice & AssemblySlice;

/** What the slices need from the outside world. */
export interface LabContext {
  engine: EngineLink;
  storage: KeyValueStorage | null;
  /** Opens the OPFS input cache (the page: OpfsCache.open); absent or null: nothing is cached. */
  openCache?: () => Promise<CacheStore | null>;
  /** The page's query string (for `?backend=`). */
  search: string;
  /** Drops `?backend=` from the address bar once the user picks a setting. */
  clearUrlForce(): void;
  /** Absolute URL of the demo zoo (the worker fetches it). */
  demoUrl: string;
  /** Delay of the λ sweep after the slider stops moving. */
  sweepDebounceMs: number;
  /** Starts the UMAP worker (the page: startEmbedWorker); absent: the explorer cannot lay out points. */
  startEmbed?: (onCrash: (info: ErrorInfo) => void) => EmbedHandle;
  /** Opens the persisted runs (IndexedDB); absent: runs are kept in memory only. */
  runsDb?: () => Promise<RunsDb>;
}

export type SliceCreator<T> = (set: StoreApi<LabState>['setState'], get: StoreApi<LabState>['getState'], ctx: LabContext) => T;
