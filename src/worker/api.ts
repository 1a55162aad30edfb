/**
 * EngineApi: the one typed contract between the page and the engine. The same implementation
 * (engine-api.ts) runs in the Web Worker behind Comlink (browser/client.ts) and in-process (in-process.ts,
 * for Node and tests). Everything here is plain, structured-cloneable data; big arrays are
 * transferred, progress arrives through callbacks. A failing call rejects with a plain ErrorInfo
 * ({code, message, hint}), never an Error instance, so it looks the same on both sides.
 * Types only: no DOM, no tfjs.
 */
import type { BackendChoice, BackendName } from '../engine/backend';
import type { CoefficientsJson } from '../engine/trained/coefficients-json';
import type { TrainRequest } from '../engine/trained/request';
import type { ErrorInfo } from '../engine/errors';
import type { CheckpointSummary } from '../engine/model/clip-vit/summary';
import type { ClassExample } from '../engine/data/examples';
import type { EvalReport, Score } from '../engine/eval/evaluate';
import type { TaskVectorAnalytics } from '../engine/eval/task-vectors';
import type { BiasMetric, BiasReport } from '../engine/eval/bias';
import type { EmbeddingSets } from '../engine/embed/suite-sets';
import type { SharedLayout } from '../engine/embed/embed';
import type { MergeChoice } from '../engine/merge/request';
import type { MergeParams, MethodId, ParamField, ParamValue } from '../engine/merge/types';

export type {
  BackendChoice, BackendName, BiasMetric, BiasReport, CheckpointSummary, ClassExample, CoefficientsJson, EmbeddingSets, ErrorInfo, EvalReport,
  MergeParams, MethodId, ParamField, ParamValue, Score, SharedLayout, TaskVectorAnalytics,
};

/** A file of a checkpoint folder: a lazily read Blob (browser File, Node `fs.openAsBlob`). */
export interface EngineFile {
  /** Path inside the checkpoint's folder, e.g. "model.safetensors" or "shards/model-00001-of-00002.safetensors". */
  path: string;
  blob: Blob;
}

export interface OpenedCheckpoint {
  /** Engine-side handle for later calls. */
  id: string;
  summary: CheckpointSummary;
  /** The folder also holds inputs.safetensors + golden.safetensors, so checkGolden can run. */
  hasGolden: boolean;
}

export interface PoolReport {
  ok: boolean;
  /** Every mismatch between the pretrained model and the experts, all at once. */
  problems: string[];
}

export interface Progress {
  stage: string;
  done: number;
  total: number;
  /** What done/total count (default: steps). */
  unit?: 'bytes' | 'images' | 'tensors' | 'files' | 'prompts';
  /** Units per second measured so far in this stage (evaluation: images/s, for an ETA). */
  perSecond?: number;
}
export type ProgressFn = (p: Progress) => void;

export interface ForwardOptions {
  /** Number of synthetic images (default 2). */
  images?: number;
  /** Seed of the synthetic pixel values (default 0). */
  seed?: number;
}

export interface OutputShape {
  /** HF output name: last_hidden_state, pooler_output, image_embeds, hidden_states.i */
  name: string;
  shape: number[];
}

export interface ForwardReport {
  backend: BackendName;
  images: number;
  seed: number;
  /** Reading and uploading the parameters. */
  loadMs: number;
  /** The forward pass itself, until its outputs were read back. */
  forwardMs: number;
  outputs: OutputShape[];
  /** image_embeds (pooler_output when there is no projection), [B, P] row-major; transferred. */
  embeds: Float32Array;
}

export interface GoldenRow {
  name: string;
  /** Shape the model produced ([] when it produced no such output). */
  shape: number[];
  /** Shape stored in golden.safetensors. */
  expectedShape: number[];
  /** max |ours − golden| (Infinity when the shapes differ or the output is missing). */
  maxAbsDiff: number;
  pass: boolean;
}

export interface GoldenReport {
  backend: BackendName;
  tolerance: number;
  forwardMs: number;
  /** Number of images in inputs.safetensors. */
  images: number;
  rows: GoldenRow[];
  pass: boolean;
}

export interface InitOptions {
  /** Force a backend (setting / `?backend=`); omitted = automatic choice. */
  force?: BackendName;
}

/** One task of an opened suite, with what the page shows about it. */
export interface SuiteTaskInfo {
  name: string;
  classes: string[];
  /** Test images (null when the data could not be opened: see problem). */
  images: number | null;
  /** Where the test images come from, e.g. "data/mnist/test.safetensors". */
  source: string | null;
  /** The first test images of each class (up to 12 classes). */
  examples: ClassExample[];
  notes: string[];
  /** Why the task's data cannot be used (the file and what to do); evaluation needs it fixed. */
  problem: ErrorInfo | null;
}

export interface OpenedSuite {
  id: string;
  name: string;
  /** The suite folder (or URL) it was read from. */
  root: string;
  imageSize: number;
  logitScale: number;
  pretrained: { name: string; summary: CheckpointSummary };
  experts: { task: string; name: string }[];
  /** Parameter tensors that carry a merge coefficient (the pretrained model's that some expert stores; 199 of 200 for FusionBench's ViT-B/32 experts). */
  coefficientTensors: number;
  tasks: SuiteTaskInfo[];
  /** Non-fatal findings: pool notes, data forms ignored, … */
  notes: string[];
}

/** Which models a merge or an analysis uses: a suite's (all its tasks, or a subset of them), or checkpoints opened one by one. */
export type PoolRef =
  | { kind: 'suite'; suiteId: string; tasks?: string[] }
  | { kind: 'checkpoints'; pretrainedId: string; expertIds: string[] };

/**
 * The engine's merge request (engine/merge/request.ts) with its pool by reference: a method id and
 * the parameters the user gave, unresolved (the engine fills in the defaults once and returns them
 * resolved in MergedModel.params).
 */
export interface MergeSpec extends MergeChoice {
  pool: PoolRef;
}

/** A long call the page may cancel with cancel(jobId). */
export interface JobOptions {
  jobId?: string;
}

export interface EvalOptions extends JobOptions {
  /** Score only the first N test images of each task (default all). Ignored when `sample` is given. */
  limit?: number;
  /** Score a seeded class-stratified sample of `size` test images per task (all of them when a split is smaller); the report marks sampled tasks. */
  sample?: { size: number; seed?: number };
  batchSize?: number;
}

/** A merge held in the engine (its merged values in memory), ready to evaluate or download as an HF folder. */
export interface MergedModel {
  id: string;
  name: string;
  method: MethodId;
  /** Resolved parameters (defaults filled in). */
  params: MergeParams;
  notes: string[];
  passes: number;
  bytesRead: number;
  bytesWritten: number;
  ms: number;
  /** The `__metadata__` of its model.safetensors. */
  metadata: Record<string, string>;
  /** The suite it was merged from (null for a pool of loaded checkpoints). */
  suiteId: string | null;
  /** The tasks whose experts it merges (a suite's subset in manifest order; for loaded checkpoints, the experts' names); its evaluation scores these. */
  tasks: string[];
  /** High-water of the worker's tfjs bytes in use during the merge (see JobMemory). */
  peakBytes: number;
}

/** High-water of the worker's tfjs bytes in use (all its tensors) during a job, sampled at the job's cancellation checks: a lower bound. */
export interface JobMemory {
  peakBytes: number;
}

/** The two files of a merged checkpoint's Hugging Face folder. */
export interface MergeFiles {
  configJson: string;
  model: Blob;
}

/** A training run on a loaded suite (the engine's one TrainRequest, engine/trained/request.ts): `suite` is the loaded suite's id. */
export type { TrainRequest } from '../engine/trained/request';

/** Options of a training job: its cancellation id and per-task accuracy of the model in training every N steps (0: never). */
export interface TrainJobOptions extends JobOptions {
  evalEvery?: number;
}

/** What a training job reports while it runs (one callback, plain data). */
export type TrainUpdate =
  | { kind: 'progress'; stage: 'merge' | 'correction'; step: number; totalSteps: number; loss: number | null; smoothedLoss: number | null; stepsPerSecond: number; etaSeconds: number | null }
  | { kind: 'eval'; stage: 'merge' | 'correction'; step: number; tasks: Record<string, number> }
  | { kind: 'paused' | 'resumed' }
  | { kind: 'note'; note: string };

export interface TrainResult {
  /** Per-task accuracy (absolute and normalised) on the images it trained on, as a merge's evaluation. */
  report: EvalReport;
  extraParams: number;
  seconds: number;
  /** Resolved parameters and training figures of each stage. */
  merge: { method: string; params: Record<string, ParamValue>; steps: number; trainSeconds: number };
  correction: { method: string; params: Record<string, ParamValue>; steps: number; trainSeconds: number } | null;
  /** Stopped early by stopTraining. */
  stoppedEarly: boolean;
  /** AdaMerging's final coefficients (raw λ), when the base was AdaMerging. */
  coefficients?: CoefficientsJson;
  /** Handle of the run's kept artefacts in the engine (trainedModules, closeTrained; worker-side TrainedStore in trained-store.ts). */
  trainedId: string;
  /** High-water of the worker's tfjs bytes in use during the job (see JobMemory). */
  peakBytes: number;
}

/** A model the bias explorer measures: the suite's pretrained model, a merge by id, or a kept training run by trainedId. */
export type ExplorerModelRef = { kind: 'pretrained' } | { kind: 'merge'; id: string } | { kind: 'trained'; id: string };

export interface ExplorerModel {
  ref: ExplorerModelRef;
  /** For legends and tooltips. */
  label: string;
}

export interface ExplorerOptions extends JobOptions {
  /** The first N test images of each task (default EXPLORER_IMAGES; fewer when a trained run kept fewer). */
  limit?: number;
}

export interface ExplorerFeatureOptions extends ExplorerOptions {
  /** Points over all sets (experts + each model), spread evenly over tasks, or 'all' (default 5,000). */
  budget?: number | 'all';
  seed?: number;
}

/** The explorer's UMAP input: the experts' set then one per model, L2-normalised rows of the chosen images; arrays transferred. */
export type ExplorerFeatures = EmbeddingSets & {
  /** Images per task the selection was drawn from (the first N). */
  limit: number;
};

/** A test image as small RGBA pixels (row-major, 4 bytes a pixel). */
export interface Thumbnail {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

export interface EngineApi {
  /** Chooses the tfjs backend once for this engine's realm and reports why. */
  init(opts?: InitOptions): Promise<BackendChoice>;
  /** Recognises one checkpoint from the files of its folder (or one .safetensors file). */
  openCheckpoint(name: string, files: EngineFile[]): Promise<OpenedCheckpoint>;
  /** Forgets a checkpoint (its files are read lazily, so nothing else is held). */
  closeCheckpoint(id: string): Promise<void>;
  /** Validates a model pool: same architecture, tensors and shapes as the pretrained model. */
  checkPool(pretrainedId: string, expertIds: string[]): Promise<PoolReport>;
  /** Runs the model on seeded synthetic images: proves it runs, reports time and shapes. */
  runForward(id: string, opts?: ForwardOptions, onProgress?: ProgressFn): Promise<ForwardReport>;
  /** Runs inputs.safetensors through the model and compares every output with golden.safetensors. */
  checkGolden(id: string, onProgress?: ProgressFn): Promise<GoldenReport>;
  /**
   * Reads a suite folder (manifest.json, models/, heads, data/): validates it and describes every
   * task. Building heads from the pretrained model's text tower (a manifest without "heads")
   * reports its progress here; cancel(jobId) stops the opening between steps.
   */
  openSuite(name: string, files: EngineFile[], onProgress?: ProgressFn, opts?: JobOptions): Promise<OpenedSuite>;
  /** The same for a suite served over HTTP (e.g. the demo zoo at /zoo/mini8/). */
  openServedSuite(url: string, onProgress?: ProgressFn): Promise<OpenedSuite>;
  closeSuite(id: string): Promise<void>;
  /** Merges a pool into memory (the inputs stream tensor by tensor), to evaluate and download. */
  merge(spec: MergeSpec, opts?: JobOptions, onProgress?: ProgressFn): Promise<MergedModel>;
  /** config.json text and model.safetensors of a merge, for download. */
  mergeFiles(id: string): Promise<MergeFiles>;
  /**
   * A consensus merge's per-task retrieved model θ0 + mt ⊙ τ_MTL (TALL mask of `task`, no α), as
   * the same two files; streamed again from the merge's inputs (one more pass), cancellable.
   */
  retrievedFiles(id: string, task: string, opts?: JobOptions, onProgress?: ProgressFn): Promise<MergeFiles>;
  closeMerge(id: string): Promise<void>;
  /**
   * Per-task accuracy on a suite: pretrained and individual (cached), plus a merge when given
   * (on the merge's tasks only, when it merged a subset). Features are cached per model and image count, so references are computed once.
   */
  evaluate(suiteId: string, mergeId: string | null, opts?: EvalOptions, onProgress?: ProgressFn): Promise<EvalReport & JobMemory>;
  /** Cosine similarities, norms and per-layer sign conflicts of the task vectors. */
  analyzeTaskVectors(pool: PoolRef, opts?: JobOptions, onProgress?: ProgressFn): Promise<TaskVectorAnalytics>;
  /** Trains a base merge and a correction on a suite step by step; cancel(jobId) discards it. */
  train(request: TrainRequest, opts?: TrainJobOptions, onUpdate?: (u: TrainUpdate) => void): Promise<TrainResult>;
  /** Pauses / resumes the training job after its current step. */
  pauseTraining(jobId: string): Promise<void>;
  resumeTraining(jobId: string): Promise<void>;
  /** Ends the training job's schedule now and scores what it has learnt so far. */
  stopTraining(jobId: string): Promise<void>;
  /**
   * One safetensors file of every tensor a kept run trained (names in each method's file), with a
   * `__metadata__` of format "mergelab-trained-v1", method ids, resolved params (JSON), seed, suite, tasks (engine/trained/modules.ts).
   */
  trainedModules(trainedId: string): Promise<Blob>;
  /** Forgets a kept run's artefacts (idempotent; closing its suite also drops them). */
  closeTrained(trainedId: string): Promise<void>;
  /** Representation bias (l1, cosine) of each model to the experts per task and layer, from cached hidden states. */
  explorerBias(suiteId: string, models: ExplorerModel[], opts?: ExplorerOptions, onProgress?: ProgressFn): Promise<BiasReport & { limit: number }>;
  /** Final features of the same images under the experts and each model, for one shared UMAP layout. */
  explorerFeatures(suiteId: string, models: ExplorerModel[], opts?: ExplorerFeatureOptions, onProgress?: ProgressFn): Promise<ExplorerFeatures>;
  /** Test image `index` of a task, at most maxSize (default 64) pixels a side. */
  testImageThumbnail(suiteId: string, task: string, index: number, maxSize?: number): Promise<Thumbnail>;
  /** Cancels a running call started with this jobId (it rejects with code "cancelled"). */
  cancel(jobId: string): Promise<void>;
  /** tfjs's tensors and bytes on the backend in use (the header polls it while the page is visible). */
  memory(): Promise<EngineMemory>;
  /**
   * From now on keeps the suite's reference features in the browser's OPFS under `suiteHash` (its
   * cache entry) and reads them from there before computing; rejects with code "cache" where the
   * engine has no persistent storage (Node).
   */
  persistFeatures(suiteId: string, suiteHash: string): Promise<FeatureCacheStats>;
  /** What the suite's persistent features did so far. */
  featureCacheStats(suiteId: string): Promise<FeatureCacheStats>;
}

export interface EngineMemory {
  backend: string;
  numTensors: number;
  numBytes: number;
  /** Bytes in GPU buffers/textures where the backend reports them (WebGPU, WebGL), else null. */
  gpuBytes: number | null;
  /** tfjs says numBytes may be incomplete (e.g. strings). */
  unreliable: boolean;
}

export interface FeatureCacheStats {
  /** Features are persisted (persistFeatures was called for this suite). */
  persisted: boolean;
  /** Feature sets read from OPFS instead of computed, and written to it. */
  loaded: number;
  written: number;
  /** Failed reads/writes (the evaluation went on without them), with the last message. */
  errors: number;
  lastError: string | null;
}

/** Images per task the bias explorer measures by default. */
export const EXPLORER_IMAGES = 100;

/** Tolerance of the golden check (absolute), as in the fixtures' README. */
export const GOLDEN_TOLERANCE = 1e-4;

/** Whether a rejection reason is the engine's plain ErrorInfo. */
export function isErrorInfo(x: unknown): x is ErrorInfo {
  return typeof x === 'object' && x !== null && typeof (x as ErrorInfo).code === 'string' && typeof (x as ErrorInfo).message === 'string';
}

/** Whatever a call rejected with, as ErrorInfo (for the UI). */
export function asErrorInfo(x: unknown): ErrorInfo {
  if (isErrorInfo(x)) return { name: x.name ?? 'Error', code: x.code, message: x.message, hint: x.hint ?? '' };
  if (x instanceof Error) return { name: x.name, code: 'internal', message: x.message, hint: '' };
  return { name: 'Error', code: 'internal', message: String(x), hint: '' };
}
