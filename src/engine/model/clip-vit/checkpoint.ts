/**
 * The contract every checkpoint reader produces: a recognised CLIP vision tower whose parameters
 * are addressed by canonical (Hugging Face) names and read one at a time, so merges can stream.
 */
import type { ClipVisionConfig } from './config';

export type CheckpointFormat = 'hf' | 'open_clip';

/** A canonical parameter: HF name (`vision_model.…`, `visual_projection.weight`) and shape. */
export interface ParamSpec {
  name: string;
  shape: number[];
}

export interface Checkpoint {
  /** Folder (or file) name the user gave. */
  readonly name: string;
  readonly format: CheckpointFormat;
  /** Human-readable layout, e.g. "CLIPVisionModelWithProjection", "CLIPModel (vision part)", "open_clip visual". */
  readonly layout: string;
  readonly config: ClipVisionConfig;
  readonly configSource: 'config.json' | 'inferred from shapes';
  /** Canonical parameters in a stable order (the HF state-dict order). */
  readonly params: readonly ParamSpec[];
  /** Total bytes of the weight file(s). */
  readonly fileBytes: number;
  /** Stored dtype → number of tensors in it. */
  readonly dtypes: Readonly<Record<string, number>>;
  /** Non-fatal findings the user should see (ignored buffers, unused tensors, …). */
  readonly notes: readonly string[];
  /** Reads one canonical parameter as float32 (open_clip q/k/v split and proj transpose applied). */
  readParam(name: string): Promise<Float32Array>;
  /**
   * Optional: readParam into caller-owned memory — fills and returns into[0, n) when the stored
   * tensor is F32 with no transform and its source can read into memory; otherwise a fresh array.
   */
  readParamInto?(name: string, into: Float32Array): Promise<Float32Array>;
}
