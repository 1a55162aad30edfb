/**
 * CLIP multi-head self-attention (no mask, no dropout): q, k, v projections, softmax(q·kᵀ/√hd)·v
 * per head, then out_proj. Mirrors Hugging Face `CLIPAttention`, which scales q before the product.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamMap } from '../../params/param-map';
import { linear, param } from './layers';

/**
 * x [B, S, D] (already layer-normed) → out_proj(attention) [B, S, D], before the residual add.
 * `prefix` is the layer's `…self_attn.` name prefix.
 */
export function selfAttention(params: ParamMap, prefix: string, x: tf.Tensor3D, numHeads: number): tf.Tensor3D {
  const [B, S, D] = x.shape;
  const hd = D / numHeads;
  const w = (n: string) => param<tf.Tensor2D>(params, `${prefix}${n}.weight`, [D, D]);
  const b = (n: string) => param<tf.Tensor1D>(params, `${prefix}${n}.bias`, [D]);
  const x2 = tf.reshape<tf.Rank.R2>(x, [B * S, D]); // [B·S, D]
  const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, S, numHeads, hd]), [0, 2, 1, 3]); // [B, heads, S, hd]
  const q = heads(tf.mul(linear(x2, w('q_proj'), b('q_proj')), hd ** -0.5));
  const k = heads(linear(x2, w('k_proj'), b('k_proj')));
  const v = heads(linear(x2, w('v_proj'), b('v_proj')));
  const probs = tf.softmax(tf.matMul(q, k, false, true)); // [B, heads, S, S]
  const ctx = tf.matMul(probs, v); // [B, heads, S, hd]
  const merged = tf.reshape<tf.Rank.R2>(tf.transpose(ctx, [0, 2, 1, 3]), [B * S, D]); // [B, S, heads, hd] → [B·S, D]
  return tf.reshape<tf.Rank.R3>(linear(merged, w('out_proj'), b('out_proj')), [B, S, D]);
}
