/**
 * CLIP multi-head self-attention (no dropout): q, k, v projections, softmax(q·kᵀ/√hd + mask)·v per
 * head, then out_proj. Mirrors Hugging Face `CLIPAttention`, which scales q before the product.
 * The vision tower attends everywhere; the text tower passes `causal` so position i sees positions
 * ≤ i only (CLIP's text transformer, Radford et al., arXiv:2103.00020 §2.4).
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamMap } from '../../params/param-map';
import { linear, param } from './layers';

/** Added to the scores of masked positions: exp underflows to exactly 0 in float32. */
const MASKED = -1e9;

/** [S, S] additive causal mask: 0 where key j ≤ query i, MASKED above the diagonal. */
function causalMask(S: number): tf.Tensor2D {
  const allowed = tf.linalg.bandPart(tf.ones([S, S]), -1, 0); // lower triangle incl. diagonal = 1
  return tf.mul(tf.sub(1, allowed), MASKED) as tf.Tensor2D;
}

export interface AttentionOptions {
  /** Mask future positions (the text tower). */
  causal?: boolean;
}

/**
 * x [B, S, D] (already layer-normed) → out_proj(attention) [B, S, D], before the residual add.
 * `prefix` is the layer's `…self_attn.` name prefix.
 */
export function selfAttention(params: ParamMap, prefix: string, x: tf.Tensor3D, numHeads: number, opts: AttentionOptions = {}): tf.Tensor3D {
  const [B, S, D] = x.shape;
  const hd = D / numHeads;
  const w = (n: string) => param<tf.Tensor2D>(params, `${prefix}${n}.weight`, [D, D]);
  const b = (n: string) => param<tf.Tensor1D>(params, `${prefix}${n}.bias`, [D]);
  const x2 = tf.reshape<tf.Rank.R2>(x, [B * S, D]); // [B·S, D]
  const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, S, numHeads, hd]), [0, 2, 1, 3]); // [B, heads, S, hd]
  const q = heads(tf.mul(linear(x2, w('q_proj'), b('q_proj')), hd ** -0.5));
  const k = heads(linear(x2, w('k_proj'), b('k_proj')));
  const v = heads(linear(x2, w('v_proj'), b('v_proj')));
  const scores = tf.matMul(q, k, false, true); // [B, heads, S, S]
  const probs = tf.softmax(opts.causal ? tf.add(scores, causalMask(S)) : scores); // mask broadcast over [B, heads]
  const ctx = tf.matMul(probs, v); // [B, heads, S, hd]
  const merged = tf.reshape<tf.Rank.R2>(tf.transpose(ctx, [0, 2, 1, 3]), [B * S, D]); // [B, S, heads, hd] → [B·S, D]
  return tf.reshape<tf.Rank.R3>(linear(merged, w('out_proj'), b('out_proj')), [B, S, D]);
}
