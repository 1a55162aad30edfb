/**
 * CLIP multi-head self-attention (no dropout): q, k, v projections, softmax(q·kᵀ/√hd + mask)·v per
 * head, then out_proj. Mirrors Hugging Face `CLIPAttention`, which scales q before the product.
 * The vision tower attends everywhere; the text tower passes `causal` so position i sees positions
 * ≤ i only (CLIP's text transformer, Radford et al., arXiv:2103.00020 §2.4).
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamMap } from '../../params/param-map';
import { param } from './layers';

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
 * Layout: the projections are computed transposed, W·xᵀ + b → [D, B·S] (the product tfjs-wasm does
 * fastest; see layers.ts linear), and the heads are cut from that layout directly — q and v as
 * [B, heads, S, hd], k already transposed as [B, heads, hd, S], the context back as [D, B·S] for
 * out_proj — so a block transposes 6 activation tensors instead of 13 (linear's transposes in and
 * out, the head splits, q·kᵀ's transposed operand, the merge). Same products, same values.
 */
export function selfAttention(params: ParamMap, prefix: string, x: tf.Tensor3D, numHeads: number, opts: AttentionOptions = {}): tf.Tensor3D {
  const [B, S, D] = x.shape;
  const H = numHeads;
  const hd = D / H;
  const w = (n: string) => param<tf.Tensor2D>(params, `${prefix}${n}.weight`, [D, D]);
  const b = (n: string) => tf.reshape(param<tf.Tensor1D>(params, `${prefix}${n}.bias`, [D]), [D, 1]); // a column: added to every token
  const xT = tf.transpose(tf.reshape<tf.Rank.R2>(x, [B * S, D])); // [D, B·S]
  const proj = (n: string) => tf.reshape(tf.add(tf.matMul(w(n), xT), b(n)), [H, hd, B, S]); // (W·xᵀ + b) [D, B·S] as [heads, hd, B, S]
  const q = tf.transpose(tf.mul(proj('q_proj'), hd ** -0.5), [2, 0, 3, 1]); // [B, heads, S, hd]
  const kT = tf.transpose(proj('k_proj'), [2, 0, 1, 3]); // [B, heads, hd, S]
  const v = tf.transpose(proj('v_proj'), [2, 0, 3, 1]); // [B, heads, S, hd]
  const scores = tf.matMul(q, kT); // [B, heads, S, S]
  const probs = tf.softmax(opts.causal ? tf.add(scores, causalMask(S)) : scores); // mask broadcast over [B, heads]
  const ctxT = tf.reshape<tf.Rank.R2>(tf.transpose(tf.matMul(probs, v), [1, 3, 0, 2]), [D, B * S]); // [B, heads, S, hd] → [heads, hd, B, S] = contextᵀ
  const outT = tf.add(tf.matMul(w('out_proj'), ctxT), b('out_proj')); // [D, B·S]
  return tf.reshape<tf.Rank.R3>(tf.transpose(outT), [B, S, D]);
}
