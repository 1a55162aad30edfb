/**
 * Transformer building blocks as plain tfjs ops (differentiable, no kernels of our own):
 * PyTorch-layout linear layers, layer norm, the two MLP activations, and checked parameter access.
 * Shared by every tower built on them (the CLIP vision and text towers).
 */
import * as tf from '@tensorflow/tfjs';
import { MergelabError } from '../../errors';
import type { ParamMap } from '../../params/param-map';

/** The MLP activations a transformer block may use (Hugging Face's `hidden_act`). */
export type HiddenAct = 'quick_gelu' | 'gelu';

/** Fetches a parameter and checks its shape, naming the tensor and both shapes when they differ. */
export function param<T extends tf.Tensor>(params: ParamMap, name: string, shape: readonly number[]): T {
  const t = params.get(name);
  if (!t) {
    throw new MergelabError('params', `The parameter map has no "${name}" (the forward pass needs it).`,
      'Load the checkpoint with its loader (loadParams, openTextModel) so every canonical parameter of the tower is present.');
  }
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new MergelabError('params', `Parameter "${name}" has shape [${t.shape.join(', ')}] but the config needs [${shape.join(', ')}].`,
      'The config does not match the weights: check config.json (hidden_size, num_attention_heads, patch_size, …).');
  }
  return t as T;
}

/**
 * PyTorch Linear: x [N, in] · w [out, in]ᵀ + b [out] → [N, out], computed as (w · xᵀ)ᵀ + b.
 * Why not matMul(x, w, false, true): tfjs-wasm multiplies by a transposed operand on a slow path
 * (~10× slower at ViT-B/32 sizes), and transposing the weight costs more than the product, while
 * transposing the activations (small at ViT batch sizes) is cheap on every backend.
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  const y = tf.transpose(tf.matMul(w, tf.transpose(x))) as tf.Tensor2D; // [out, in]·[in, N] = [out, N] → [N, out]
  return b ? tf.add(y, b) : y;
}

/** Layer norm over the last axis: (x − mean) / √(var + eps) · g + b, biased variance like PyTorch. */
export function layerNorm<T extends tf.Tensor>(x: T, g: tf.Tensor1D, b: tf.Tensor1D, eps: number): T {
  const { mean, variance } = tf.moments(x, -1, true); // [..., 1]
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), g), b);
}

/** quick_gelu x·σ(1.702x) (OpenAI CLIP) or exact gelu ½x(1 + erf(x/√2)). */
export function activation<T extends tf.Tensor>(x: T, act: HiddenAct): T {
  if (act === 'quick_gelu') return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}
