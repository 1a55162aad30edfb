/**
 * State of the merge-and-evaluate lab: the loaded suite, the merge panel (method, parameters, runs
 * and their per-task reports), the λ sweep of Task Arithmetic and the task-vector analytics.
 * Plain data only: merges and suites live in the engine and are referred to by id.
 */
import type { MethodId } from '../../engine/merge/types';
import type {
  EngineFile, ErrorInfo, EvalReport, MergedModel, MergeFiles, OpenedSuite, ParamValue, Progress, TaskVectorAnalytics,
} from '../../worker/api';
import type { PickedFile } from '../group-files';
import type { EvalPace } from '../eval-plan';
import type { Task } from './lab-state';
import type { CacheSlice } from './cache';
import type { MemorySlice } from './memory';

export type SuiteSource = { kind: 'files'; name: string; files: EngineFile[] } | { kind: 'url'; url: string };

export interface SuiteSlice {
  suite: {
    status: 'idle' | 'loading' | 'ready' | 'error';
    progress: Progress | null;
    info: OpenedSuite | null;
    error: ErrorInfo | null;
    source: SuiteSource | null;
    /** Loads started so far (the page shows it, so a reader can tell one load's outcome from the last). */
    attempt: number;
  };
  /** Opens the picked files (one suite folder) as a suite, replacing the current one; `name` defaults to the folder's. */
  loadSuite(files: PickedFile[], name?: string): Promise<void>;
  /** Cancels the opening in progress (e.g. heads being built from the text tower); the lab is left without a suite. */
  cancelSuiteOpen(): Promise<void>;
  /** Opens the demo zoo the app serves. */
  loadDemo(): Promise<void>;
  closeSuite(): Promise<void>;
  /** Opens the same suite again in a freshly started engine (backend change). */
  reopenSuite(): Promise<void>;
}

/** One merge the user ran: the engine's merge and, on a suite, its full evaluation. */
export interface MergeRun {
  key: string;
  merged: MergedModel;
  /** Short label for tables and charts, e.g. "TIES k 20, λ 0.3". */
  label: string;
  /** Test images per task its evaluation scores (null: all). */
  limit: number | null;
  report: Task<EvalReport>;
}

export type MergeJob =
  | { status: 'idle' }
  | { status: 'running'; phase: 'merging' | 'evaluating'; progress: Progress | null; jobId: string }
  | { status: 'cancelled' }
  | { status: 'error'; error: ErrorInfo };

export interface MergeSlice {
  merge: {
    method: MethodId;
    /** Values the user set; the rest show their (possibly dependent) defaults. */
    given: Record<string, ParamValue>;
    /** Merge the Models panel's pool even when a suite is loaded. */
    useModels: boolean;
    /** Evaluate on a class-stratified sample of N test images per task (null: all of them). */
    evalLimit: number | null;
    /** Images scored and seconds taken by the last evaluation (the ETA's pace), null before one. */
    evalPace: EvalPace | null;
    job: MergeJob;
    runs: MergeRun[];
  };
  setMethod(id: MethodId): void;
  setParam(name: string, value: ParamValue): void;
  resetParams(): void;
  setEvalLimit(limit: number | null): void;
  setUseModels(useModels: boolean): void;
  /** Merges the current pool (the suite, else the loaded models) and evaluates it on the suite. */
  runMerge(): Promise<void>;
  /** Evaluates a run again (e.g. after its evaluation was cancelled); `full`: on the whole test splits from now on. */
  evaluateRun(key: string, full?: boolean): Promise<void>;
  cancelMerge(): Promise<void>;
  removeRun(key: string): Promise<void>;
  /** The merged HF folder's two files, for download (not kept in the state). */
  mergeFiles(key: string): Promise<MergeFiles>;
  /** A consensus run's retrieved model of one task (TALL mask), for download (not kept in the state). */
  retrievedFiles(key: string, task: string, onProgress?: (done: number, total: number) => void): Promise<MergeFiles>;
  /** Forgets every merge, the sweep, the analytics and the task subset (the pool changed). */
  resetLab(): Promise<void>;
}

export interface SweepSlice {
  sweep: {
    lambda: number;
    /** Images per task the sweep scores. */
    limit: number;
    status: 'idle' | 'waiting' | 'running' | 'done' | 'error';
    /** Stage of the running merge or evaluation (null when none runs). */
    progress: Progress | null;
    /** λ of the report shown (the slider may be ahead of it while a run is pending). */
    scoredLambda: number | null;
    report: EvalReport | null;
    error: ErrorInfo | null;
    /** Every λ scored so far on this suite with its capped averages, sorted by λ. */
    history: { lambda: number; merged: number; normalized: number | null }[];
  };
  /** Moves the λ slider: debounced, the stale run cancelled; resolves when this λ settles. */
  setSweepLambda(lambda: number): Promise<void>;
}

export interface AnalyticsSlice {
  analytics: { task: Task<TaskVectorAnalytics>; jobId: string | null };
  runAnalytics(): Promise<void>;
  cancelAnalytics(): Promise<void>;
}

export type LabSlices = SuiteSlice & MergeSlice & SweepSlice & AnalyticsSlice & CacheSlice & MemorySlice;
