/**
 * Training data shared by the trained methods: a seeded sampler of shuffled batches (like a
 * shuffling DataLoader: epochs of a fresh permutation, the short tail dropped), a task's
 * preprocessed test images held in memory for random access, and rows of cached features.
 * Everything trains on the unlabeled TEST images of each task (transductive, as in AdaMerging and
 * FusionBench, arXiv:2406.03280).
 */
import * as tf from '@tensorflow/tfjs';
import type { TaskImages } from '../data/task-images';
import type { Preprocessing } from '../model/clip-vit/preprocess';
import type { Rng } from '../random';

export class BatchSampler {
  private order: number[] = [];
  private pos = 0;

  /** Indices into [0, n); batches of min(b, n). */
  constructor(readonly n: number, private readonly rng: Rng) {
    if (!(n >= 1)) throw new RangeError('a batch sampler needs at least one item');
  }

  next(b: number): number[] {
    const size = Math.min(b, this.n);
    if (this.pos + size > this.order.length) {
      this.order = this.rng.shuffle(Array.from({ length: this.n }, (_, i) => i));
      this.pos = 0;
    }
    const out = this.order.slice(this.pos, this.pos + size);
    this.pos += size;
    return out;
  }
}

/** A task's first `count` images, preprocessed once ([count, 3, S, S] float32, ~12 KB per 32² image, 600 KB per 224² one). */
export class PixelBank {
  private constructor(readonly count: number, readonly size: number, private readonly pixels: Float32Array) {}

  static async load(images: TaskImages, size: number, limit?: number, pre?: Preprocessing): Promise<PixelBank> {
    const n = Math.min(limit ?? images.count, images.count);
    return new PixelBank(n, size, await images.pixels(0, n, size, pre));
  }

  /** Images at `indices` → [B, 3, S, S]; the caller owns the tensor. */
  batch(indices: readonly number[]): tf.Tensor4D {
    const per = 3 * this.size * this.size;
    const out = new Float32Array(indices.length * per);
    indices.forEach((k, j) => out.set(this.pixels.subarray(k * per, (k + 1) * per), j * per));
    return tf.tensor4d(out, [indices.length, 3, this.size, this.size]);
  }
}

/** Rows `indices` of a row-major [N, P] array → [B, P] tensor (cached features, teacher z). */
export function gatherRows(x: Float32Array, dim: number, indices: readonly number[]): tf.Tensor2D {
  const out = new Float32Array(indices.length * dim);
  indices.forEach((k, j) => out.set(x.subarray(k * dim, (k + 1) * dim), j * dim));
  return tf.tensor2d(out, [indices.length, dim]);
}
