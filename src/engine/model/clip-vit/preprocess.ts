/**
 * CLIP image preprocessing, as Hugging Face's CLIPImageProcessor does it: RGB (grey repeated,
 * alpha dropped) → shorter side to `size` with PIL's BICUBIC (antialiased when shrinking, uint8
 * fixed-point arithmetic, horizontal pass then vertical, rounded to uint8 in between and after) →
 * centre crop size×size (top/left = floor of half the excess) → /255 → (x − mean) / std, CHW.
 * The resize target, the rescale factor, mean and std default to openai's CLIP values; a
 * checkpoint's preprocessor_config.json (preprocessor-config.ts) may set others.
 * Pure TypeScript (no tfjs) so it runs anywhere, including data loaders.
 */
import { MergelabError } from '../../errors';

/** Decoded 8-bit pixels, HWC row-major. */
export interface RawImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array | Uint8ClampedArray;
}

export const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

/**
 * What a checkpoint's preprocessor_config.json asks for beyond the crop size (the model's image
 * size): the shorter side after resizing (≥ the crop size), the rescale factor, mean and std.
 */
export interface Preprocessing {
  shortestEdge: number;
  rescale: number;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** CLIPImageProcessor's defaults for a model of input `size`. */
export function clipPreprocessing(size: number): Preprocessing {
  return { shortestEdge: size, rescale: 1 / 255, mean: CLIP_MEAN, std: CLIP_STD };
}

/**
 * Per channel, the normalised value of each u8 level: (u × rescale − mean) / std, [3 × 256]. With
 * the default rescale, u / 255 (the same float as before configurable rescaling).
 */
function levels(pre: Preprocessing): Float32Array {
  const lut = new Float32Array(3 * 256);
  const byDivision = pre.rescale === 1 / 255;
  for (let c = 0; c < 3; c++) {
    for (let u = 0; u < 256; u++) lut[c * 256 + u] = ((byDivision ? u / 255 : u * pre.rescale) - pre.mean[c]) / pre.std[c];
  }
  return lut;
}

/** PIL's fixed-point precision for 8-bit resampling (Resample.c). */
const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;

/** PIL's bicubic kernel (a = −0.5), support 2. */
function bicubic(x: number): number {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

interface Coeffs { start: Int32Array; count: Int32Array; k: Int32Array; ksize: number }

/** PIL's precompute_coeffs + normalize_coeffs_8bpc: per output pixel, its input span and integer weights. */
function coefficients(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1); // widen the kernel when shrinking (antialiasing)
  const support = 2 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const k = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const n = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let sum = 0;
    for (let x = 0; x < n; x++) sum += (w[x] = bicubic((x + xmin - center + 0.5) / filterscale));
    for (let x = 0; x < n; x++) {
      const v = (sum !== 0 ? w[x] / sum : w[x]) * ONE;
      k[xx * ksize + x] = Math.trunc(v < 0 ? v - 0.5 : v + 0.5);
    }
    start[xx] = xmin;
    count[xx] = n;
  }
  return { start, count, k, ksize };
}

/** PIL's clip8: fixed-point sum → uint8. */
function clip8(v: number): number {
  if (v >= 256 * ONE) return 255;
  if (v <= 0) return 0;
  return Math.floor(v / ONE);
}

/**
 * One separable pass over an RGB u8 image [outer, inner, 3] along `inner` (stride 3) or `outer`.
 * Horizontal: src [h, w, 3] → [h, outW, 3]; vertical: src [h, w, 3] → [outH, w, 3].
 */
function resizeAxis(src: Uint8Array, h: number, w: number, out: number, horizontal: boolean): Uint8Array {
  const c = coefficients(horizontal ? w : h, out);
  const oh = horizontal ? h : out;
  const ow = horizontal ? out : w;
  const dst = new Uint8Array(oh * ow * 3);
  const step = horizontal ? 3 : w * 3; // distance between neighbouring input samples
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const o = horizontal ? x : y;
      const base = horizontal ? (y * w + c.start[o]) * 3 : (c.start[o] * w + x) * 3;
      const kOff = o * c.ksize;
      for (let ch = 0; ch < 3; ch++) {
        let s = ONE / 2; // rounding
        for (let i = 0; i < c.count[o]; i++) s += src[base + i * step + ch] * c.k[kOff + i];
        dst[(y * ow + x) * 3 + ch] = clip8(s);
      }
    }
  }
  return dst;
}

function toRgb(img: RawImage): Uint8Array {
  const { width: w, height: h, channels: ch, data } = img;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) {
    throw new MergelabError('image', `An image has an invalid size ${w}×${h}.`, 'Decode the image again; width and height must be positive integers.');
  }
  if (ch !== 1 && ch !== 3 && ch !== 4) {
    throw new MergelabError('image', `A ${w}×${h} image has ${ch} channels; only 1 (grey), 3 (RGB) and 4 (RGBA) are supported.`, 'Convert the image to RGB or greyscale.');
  }
  if (data.length !== w * h * ch) {
    throw new MergelabError('image', `A ${w}×${h}×${ch} image has ${data.length} bytes of pixels, expected ${w * h * ch}.`, 'The decoder returned a truncated or mislabelled buffer: decode it again as 8-bit HWC.');
  }
  if (ch === 3) return data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.length);
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = data[i * ch + (ch === 1 ? 0 : c)];
  }
  return rgb;
}

/**
 * Shorter side → pre.shortestEdge (default size; bicubic, antialiased when shrinking, like PIL's
 * BICUBIC), centre crop size×size, RGB (grey repeated, alpha dropped), × rescale (1/255),
 * (x−mean)/std. Returns CHW float32 [3,size,size].
 */
export function preprocessImage(img: RawImage, size: number, pre: Preprocessing = clipPreprocessing(size)): Float32Array {
  let px = toRgb(img);
  const { width: w, height: h } = img;
  const edge = pre.shortestEdge;
  if (edge < size) throw new MergelabError('image', `The shorter side is resized to ${edge} pixels, less than the ${size}-pixel crop.`, 'Set "size"."shortest_edge" in preprocessor_config.json to at least the crop size.');
  // Hugging Face's get_resize_output_image_size: the longer side is floor(edge · long / short).
  const [rw, rh] = w <= h ? [edge, Math.floor((edge * h) / w)] : [Math.floor((edge * w) / h), edge];
  if (rw !== w) px = resizeAxis(px, h, w, rw, true); // [h, rw, 3]
  if (rh !== h) px = resizeAxis(px, h, rw, rh, false); // [rh, rw, 3]
  const top = Math.floor((rh - size) / 2);
  const left = Math.floor((rw - size) / 2);
  const out = new Float32Array(3 * size * size);
  const lut = levels(pre);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        out[(c * size + y) * size + x] = lut[c * 256 + px[((top + y) * rw + left + x) * 3 + c]];
      }
    }
  }
  return out;
}

/** Batch version → [B,3,size,size] float32. */
export function preprocessBatch(imgs: RawImage[], size: number, pre?: Preprocessing): Float32Array {
  const per = 3 * size * size;
  const out = new Float32Array(imgs.length * per);
  imgs.forEach((img, i) => out.set(preprocessImage(img, size, pre), i * per));
  return out;
}

/** Fast path for RGB u8 [N,H,W,3] already at the model's size: × rescale (1/255), (x−mean)/std → [N,3,H,W]. */
export function normalizeU8NHWC(u8: Uint8Array, n: number, h: number, w: number, pre: Preprocessing = clipPreprocessing(h)): Float32Array {
  if (u8.length !== n * h * w * 3) {
    throw new MergelabError('image', `An image batch has ${u8.length} bytes, but [${n}, ${h}, ${w}, 3] needs ${n * h * w * 3}.`, 'Pass RGB uint8 images laid out as [N, H, W, 3].');
  }
  const hw = h * w;
  const out = new Float32Array(n * 3 * hw);
  const lut = levels(pre);
  for (let b = 0; b < n; b++) {
    for (let c = 0; c < 3; c++) {
      const o = (b * 3 + c) * hw;
      for (let i = 0; i < hw; i++) out[o + i] = lut[c * 256 + u8[(b * hw + i) * 3 + c]];
    }
  }
  return out;
}
