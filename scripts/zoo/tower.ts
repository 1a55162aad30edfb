/**
 * The zoo's mini CLIP vision tower: its config, a seeded initialisation in the Hugging Face
 * layout (canonical names, HF CLIP's init scheme), and image features z = image_embeds of a U8
 * batch through the engine's forward pass (the CLIP setup of Task Arithmetic, arXiv:2212.04089).
 */
import * as tf from '@tensorflow/tfjs';
import type { ClipVisionConfig } from '../../src/engine/model/clip-vit/config';
import { clipVisionForward } from '../../src/engine/model/clip-vit/forward';
import { canonicalParams } from '../../src/engine/model/clip-vit/names';
import { normalizeU8NHWC } from '../../src/engine/model/clip-vit/preprocess';
import type { ParamMap } from '../../src/engine/params/param-map';
import type { Rng } from '../../src/engine/random';
import { IMAGE_SIZE } from './tasks/task';

/** ViT "mini": 32×32 images, 8×8 patches (16 + CLS tokens), width 64, 4 layers, 4 heads, P 64. */
export const MINI_CONFIG: ClipVisionConfig = {
  hiddenSize: 64,
  intermediateSize: 256,
  numLayers: 4,
  numHeads: 4,
  imageSize: IMAGE_SIZE,
  patchSize: 8,
  numChannels: 3,
  projectionDim: 64,
  hiddenAct: 'quick_gelu',
  layerNormEps: 1e-5,
};

/** Init std per parameter, following HF CLIPPreTrainedModel._init_weights (factor 1). */
function initStd(name: string, c: ClipVisionConfig): number {
  const D = c.hiddenSize;
  const inProj = D ** -0.5 * (2 * c.numLayers) ** -0.5;
  if (name.endsWith('class_embedding')) return D ** -0.5;
  if (name.includes('patch_embedding') || name.includes('position_embedding')) return 0.02;
  if (/self_attn\.(q|k|v)_proj\.weight$/.test(name)) return inProj;
  if (name.endsWith('out_proj.weight')) return D ** -0.5;
  if (name.endsWith('fc1.weight')) return (2 * D) ** -0.5;
  if (name.endsWith('fc2.weight')) return inProj;
  if (name === 'visual_projection.weight') return D ** -0.5;
  return 0;
}

/** Fresh trainable parameters: normal(0, std) weights, zero biases, unit layer-norm gains. */
export function initParams(c: ClipVisionConfig, rng: Rng): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const { name, shape } of canonicalParams(c)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const std = initStd(name, c);
    const isGain = /(layer_norm\d|layrnorm|layernorm)\.weight$/.test(name);
    const values = Float32Array.from({ length: n }, () => (isGain ? 1 : std * rng.normal()));
    out.set(name, tf.variable(tf.tensor(values, shape)));
  }
  return out;
}

/** Trainable copies of a parameter map (the caller disposes them). */
export function toVariables(p: ParamMap): Map<string, tf.Variable> {
  return new Map([...p].map(([n, t]) => [n, tf.variable(t.clone())]));
}

/** A U8 batch [B, 32, 32, 3] (bytes of `images` from image `start`) → pixel values [B, 3, 32, 32]. */
export function pixelBatch(images: Uint8Array, start: number, count: number): tf.Tensor4D {
  const px = IMAGE_SIZE * IMAGE_SIZE * 3;
  const u8 = images.subarray(start * px, (start + count) * px);
  return tf.tensor4d(normalizeU8NHWC(u8, count, IMAGE_SIZE, IMAGE_SIZE), [count, 3, IMAGE_SIZE, IMAGE_SIZE]);
}

/**
 * z = image_embeds [B, P] (not normalised). Differentiable; call inside tf.tidy or a gradient
 * function, which also frees the forward pass's other outputs.
 */
export function features(params: ParamMap, c: ClipVisionConfig, pixels: tf.Tensor4D): tf.Tensor2D {
  return clipVisionForward(params, c, pixels).imageEmbeds!;
}

/** Features of every image of a set, in batches: z [N, P] as a Float32Array (row-major). */
export async function allFeatures(params: ParamMap, c: ClipVisionConfig, images: Uint8Array, n: number, batch = 128): Promise<Float32Array> {
  const P = c.projectionDim!;
  const out = new Float32Array(n * P);
  for (let s = 0; s < n; s += batch) {
    const b = Math.min(batch, n - s);
    const z = tf.tidy(() => features(params, c, pixelBatch(images, s, b)));
    out.set(await z.data(), s * P);
    z.dispose();
  }
  return out;
}
