/**
 * EngineApi: the one typed contract between the page and the engine. The same implementation
 * (engine-api.ts) runs in the Web Worker behind Comlink (client.ts) and in-process (in-process.ts,
 * for Node and tests). Everything here is plain, structured-cloneable data; big arrays are
 * transferred, progress arrives through callbacks. A failing call rejects with a plain ErrorInfo
 * ({code, message, hint}), never an Error instance, so it looks the same on both sides.
 * Types only: no DOM, no tfjs.
 */
import type { BackendChoice, BackendName } from '../engine/backend';
import type { ErrorInfo } from '../engine/errors';
import type { CheckpointSummary } from '../engine/model/clip-vit/summary';

export type { BackendChoice, BackendName, CheckpointSummary, ErrorInfo };

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
}

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
