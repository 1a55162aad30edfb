/**
 * Image features of a model on a task's images, computed in batches, and an in-memory cache.
 * z = image_embeds = visual_projection(post_layernorm(CLS of last layer)), not normalised
 * (FusionBench's CLIP evaluation, arXiv:2406.03280); a model without a projection uses the one
 * passed in (the pretrained model's,
 * FusionBench's convention) or, with none at all, the pooled output. Optionally also the CLS token
 * after every block (HF hidden_states convention: [0] = after pre_layrnorm, [L] = last block).
 * Pipelined: batch k + 1's images are requested (read, decoded, preprocessed) before batch k's
 * forward pass starts, so whatever of that work runs off this thread — file and Blob reads, the
 * browser's image decoding — overlaps the model instead of waiting for it.
 */
import * as tf from '@tensorflow/tfjs';
import { type TaskImages, pixelsAt } from '../data/task-images';
import { CancelledError } from '../errors';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import type { Preprocessing } from '../model/clip-vit/preprocess';
import { clipVisionForward } from '../model/clip-vit/forward';
import type { ParamMap } from '../params/param-map';

export interface Features {
  n: number;
  /** P: feature size. */
  dim: number;
  /** [N, P] row-major. */
  z: Float32Array;
  /** Labels of the N images, [N]. */
  labels: Int32Array;
  /** With hiddenStates: L + 1 arrays of CLS tokens [N, D]; else null. */
  cls: Float32Array[] | null;
}

export interface FeatureOptions {
  /** Images per forward pass (default EVAL_BATCH). */
  batchSize?: number;
  /** Request the next batch's pixels while the current batch runs (default true; false: one after the other). */
  prefetch?: boolean;
  /** Use only the first `limit` images of the task (default all). */
  limit?: number;
  /** Use the images at these indices (ascending; e.g. a stratified sample) instead of the first `limit`. */
  indices?: Int32Array;
  /** The pretrained folder's preprocessor_config.json (default: CLIP's). */
  preprocessing?: Preprocessing | null;
  /** Also keep the CLS token after every block. */
  hiddenStates?: boolean;
  /** visual_projection.weight [P, D] for models that have none. */
  projection?: tf.Tensor2D | null;
  /** After each batch: images done, images in all, and the throughput so far (images per second). */
  onProgress?: (done: number, total: number, imagesPerSecond: number) => void;
  /** Checked between batches; throws CancelledError when set. */
  signal?: { readonly aborted: boolean };
}

/**
 * Images per forward pass by default. Measured on ViT-B/32 in Node (WASM; docs/benchmarks.md
 * "Side by side with PyTorch"): a batch of 32 costs about half as much per image as a batch of 8.
 * Every backend uses it (WebGPU's best batch is not measured); callers may pass another batchSize.
 */
export const EVAL_BATCH = 32;

export function featureBytes(f: Features): number {
  return f.z.byteLength + f.labels.byteLength + (f.cls ?? []).reduce((s, c) => s + c.byteLength, 0);
}

/** Runs the forward pass over images [0, limit) in batches and collects z (and CLS tokens). */
export async function computeFeatures(params: ParamMap, config: ClipVisionConfig, images: TaskImages, opts: FeatureOptions = {}): Promise<Features> {
  const indices = opts.indices;
  const n = indices ? indices.length : Math.min(opts.limit ?? images.count, images.count);
  const pre = opts.preprocessing ?? undefined;
  const t0 = performance.now();
  const batch = Math.max(1, Math.floor(opts.batchSize ?? EVAL_BATCH));
  const S = config.imageSize;
  const D = config.hiddenSize;
  const hasProjection = params.has('visual_projection.weight');
  const projection = hasProjection ? null : opts.projection ?? null;
  const cfg: ClipVisionConfig = hasProjection ? config : { ...config, projectionDim: null };
  const zParts: Float32Array[] = [];
  const clsParts: Float32Array[][] = [];
  let dim = 0;
  const fetch = (start: number): Promise<Float32Array> => { // [b, 3, S, S] of the batch at `start`
    const b = Math.min(batch, n - start);
    const p = indices ? pixelsAt(images, indices.subarray(start, start + b), S, pre) : images.pixels(start, b, S, pre);
    p.catch(() => {}); // a failure surfaces where the batch is awaited; a cancelled run never awaits its prefetched batch
    return p;
  };
  const prefetch = opts.prefetch ?? true;
  let next = n > 0 && prefetch ? fetch(0) : null;
  for (let start = 0; start < n; start += batch) {
    if (opts.signal?.aborted) throw new CancelledError('evaluation');
    const b = Math.min(batch, n - start);
    const px = await (next ?? fetch(start));
    next = prefetch && start + b < n ? fetch(start + b) : null; // the next batch is read and decoded while this one runs
    const outs = tf.tidy(() => {
      const o = clipVisionForward(params, cfg, tf.tensor4d(px, [b, 3, S, S]), { hiddenStates: !!opts.hiddenStates });
      const z = o.imageEmbeds ?? (projection ? tf.matMul(o.poolerOutput, projection, false, true) : o.poolerOutput); // [b, P]
      const cls = o.hiddenStates.map((h) => h.slice([0, 0, 0], [b, 1, D]).reshape([b, D])); // [b, 1, D] → [b, D]
      return [z, ...cls];
    });
    try {
      const data = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
      dim = outs[0].shape[1]!;
      zParts.push(data[0]);
      clsParts.push(data.slice(1));
    } finally {
      tf.dispose(outs);
    }
    opts.onProgress?.(start + b, n, (start + b) / Math.max(1e-3, (performance.now() - t0) / 1000));
  }
  return {
    n,
    dim,
    z: concat(zParts),
    labels: indices ? Int32Array.from(indices, (i) => images.labels[i]) : images.labels.slice(0, n),
    cls: opts.hiddenStates ? (clsParts[0] ?? []).map((_, l) => concat(clsParts.map((p) => p[l]))) : null,
  };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** What a cache entry depends on: the model's content, the images, how many, and what was kept. */
export interface FeatureKey {
  model: string;
  task: string;
  source: string;
  limit: number;
  imageSize: number;
  hiddenStates: boolean;
  /** A stratified sample's size and seed ("sample:<size>:<seed>"); absent for the first `limit` images (keys stored before sampling stay valid). */
  sample?: string;
}

export function featureKey(k: FeatureKey): string {
  const base = [k.model, k.task, k.source, k.limit, k.imageSize, k.hiddenStates];
  return JSON.stringify(k.sample ? [...base, k.sample] : base);
}

/**
 * Features by key, least recently used evicted beyond a byte budget (default 256 MiB; ViT-B/32
 * features of 10k images are 20 MB). Features are plain arrays, so clear() frees everything.
 */
export class FeatureCache {
  private readonly entries = new Map<string, Features>();
  private readonly pending = new Map<string, Promise<Features>>();
  private used = 0;

  constructor(readonly maxBytes = 256 * 2 ** 20) {}

  get bytes(): number { return this.used; }
  get size(): number { return this.entries.size; }
  has(key: string): boolean { return this.entries.has(key); }

  get(key: string): Features | undefined {
    const f = this.entries.get(key);
    if (f) { this.entries.delete(key); this.entries.set(key, f); } // most recently used last
    return f;
  }

  /** Stores `f` (an entry larger than the whole budget is not kept). */
  set(key: string, f: Features): void {
    this.delete(key);
    const size = featureBytes(f);
    if (size > this.maxBytes) return;
    for (const [k] of this.entries) {
      if (this.used + size <= this.maxBytes) break;
      this.delete(k);
    }
    this.entries.set(key, f);
    this.used += size;
  }

  /** Cached features, or computes them once (concurrent calls for one key share the work). */
  async getOrCompute(key: string, compute: () => Promise<Features>): Promise<Features> {
    const hit = this.get(key);
    if (hit) return hit;
    const running = this.pending.get(key);
    if (running) return running;
    const p = compute().then((f) => { this.set(key, f); return f; }).finally(() => this.pending.delete(key));
    this.pending.set(key, p);
    return p;
  }

  delete(key: string): void {
    const f = this.entries.get(key);
    if (!f) return;
    this.used -= featureBytes(f);
    this.entries.delete(key);
  }

  /** Drops every entry of one model (e.g. a merge the user discarded). */
  deleteModel(model: string): void {
    for (const k of [...this.entries.keys()]) if ((JSON.parse(k) as string[])[0] === model) this.delete(k);
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }
}
