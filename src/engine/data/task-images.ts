/**
 * TaskImages: a task's labelled evaluation images, read and CLIP-preprocessed batch by batch, so a
 * large split never has to sit in memory as float32. Sources: U8 arrays (a suite's
 * `data/<task>/<split>.safetensors`, IDX files) and ImageFolder trees (imagefolder.ts).
 */
import { type Preprocessing, normalizeU8NHWC, preprocessImage } from '../model/clip-vit/preprocess';
import { DataError } from './errors';

export interface TaskImages {
  readonly task: string;
  /** Where the images come from, e.g. "data/mnist/test.safetensors" (messages, cache keys). */
  readonly source: string;
  readonly count: number;
  /** Class index per image, [N], each in [0, C). */
  readonly labels: Int32Array;
  /** Non-fatal findings the user should see (ignored files, …). */
  readonly notes: readonly string[];
  /**
   * Images [start, start + n) preprocessed for a model of input `size` → [n, 3, size, size]; `pre`
   * (a checkpoint's preprocessor_config.json) sets the resize target, rescale, mean and std.
   */
  pixels(start: number, n: number, size: number, pre?: Preprocessing): Promise<Float32Array>;
}

/** Checks that every label is in [0, numClasses); names the file and the first bad label. */
export function checkLabels(labels: Int32Array, numClasses: number, file: string): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!(y >= 0 && y < numClasses)) {
      let max = -Infinity;
      for (const v of labels) max = Math.max(max, v);
      throw new DataError(file, `label ${y} at index ${i} is outside the task's ${numClasses} classes (labels range up to ${max}).`,
        'Labels must be class indices 0 … C−1 in the order of the task\'s classes in manifest.json (and the rows of its head).');
    }
  }
}

export function checkRange(start: number, n: number, count: number, source: string): void {
  if (!(Number.isInteger(start) && Number.isInteger(n) && start >= 0 && n >= 0 && start + n <= count)) {
    throw new RangeError(`${source}: images [${start}, ${start + n}) requested, it has ${count}`);
  }
}

/**
 * CLIP-preprocesses n HWC u8 images of one size: a plain normalisation when they already have the
 * model's input size and 3 channels, else resize + centre crop per image (preprocessImage).
 */
export function preprocessU8(u8: Uint8Array, n: number, h: number, w: number, channels: 1 | 3 | 4, size: number, pre?: Preprocessing): Float32Array {
  if (h === size && w === size && channels === 3 && (pre?.shortestEdge ?? size) === size) return normalizeU8NHWC(u8, n, h, w, pre); // [n, 3, H, W]
  const per = 3 * size * size;
  const out = new Float32Array(n * per);
  const stride = h * w * channels;
  for (let i = 0; i < n; i++) {
    const data = u8.subarray(i * stride, (i + 1) * stride);
    out.set(preprocessImage({ width: w, height: h, channels, data }, size, pre), i * per);
  }
  return out;
}

/**
 * TaskImages over images already in memory: u8 [N, H, W, C] (C = 1, 3 or 4) and labels [N]
 * (IDX files are decoded whole: MNIST's test split is 7.8 MB).
 */
export function arrayImages(
  task: string,
  source: string,
  u8: Uint8Array,
  shape: readonly [number, number, number, 1 | 3 | 4],
  labels: Int32Array,
  numClasses: number,
): TaskImages {
  const [N, H, W, C] = shape;
  if (labels.length !== N) {
    throw new DataError(source, `has ${N} images but ${labels.length} labels.`, 'Give exactly one label per image, in the same order.');
  }
  if (N === 0) throw new DataError(source, 'has no images.', 'Add at least one labelled image for the task.');
  checkLabels(labels, numClasses, source);
  return {
    task,
    source,
    count: N,
    labels,
    notes: [],
    async pixels(start, n, size, pre) {
      checkRange(start, n, N, source);
      return preprocessU8(u8.subarray(start * H * W * C, (start + n) * H * W * C), n, H, W, C, size, pre);
    },
  };
}

/** Pixels of the images at ascending `indices` → [k, 3, S, S], read as runs of consecutive images (a parquet row group is read once per run). */
export async function pixelsAt(images: TaskImages, indices: Int32Array, size: number, pre?: Preprocessing): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (let i = 0; i < indices.length;) {
    let j = i + 1;
    while (j < indices.length && indices[j] === indices[j - 1] + 1) j++;
    parts.push(await images.pixels(indices[i], j - i, size, pre));
    i = j;
  }
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
