/**
 * The differentiable pieces the trained methods share: the frozen zero-shot head in tf ops
 * (METHODS.md §0, the same formula as model/heads.ts headLogits), log-softmax, entropy, L1, and
 * the forward of a task's images in batches for prediction.
 */
import * as tf from '@tensorflow/tfjs';
import { argmaxRows } from '../eval/accuracy';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import { type ForwardHooks, clipVisionForward } from '../model/clip-vit/forward';
import { type ClassificationHead, headLogits } from '../model/heads';
import type { ParamMap } from '../params/param-map';
import type { PixelBank } from '../train/data';

/** z [B, P] → z / max(‖z‖, 1e-12) (torch's F.normalize). */
export function normalizeRows(z: tf.Tensor2D): tf.Tensor2D {
  return tf.div(z, tf.maximum(tf.norm(z, 'euclidean', 1, true), 1e-12));
}

/** Frozen head: scale · normalize(z) · Hᵀ, z [B, P], H [C, P] → [B, C]. */
export function frozenLogits(z: tf.Tensor2D, head: tf.Tensor2D, scale: number): tf.Tensor2D {
  return tf.mul(tf.matMul(normalizeRows(z), head, false, true), scale);
}

/**
 * log softmax over the last axis as x − m − log Σ exp(x − m), m = max x. Why not tf.logSoftmax: its
 * customGrad trips tfjs's kernel leak check on the wasm backend (as tf.losses' does, scripts/zoo).
 */
export function logSoftmax(x: tf.Tensor2D): tf.Tensor2D {
  const shifted = tf.sub(x, tf.max(x, 1, true)); // [B, C]
  return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), 1, true)));
}

/** Shannon entropy of softmax(logits), mean over the batch: logits [B, C] → scalar. */
export function meanEntropy(logits: tf.Tensor2D): tf.Scalar {
  const logp = logSoftmax(logits); // [B, C]
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.exp(logp), logp), 1))) as tf.Scalar;
}

/** Mean absolute error over all entries (torch's L1Loss). */
export function l1(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.mean(tf.abs(tf.sub(a, b)));
}

/** Image features z [N, P] of a bank's images through `params` (with hooks), 32 at a time. */
export async function bankFeatures(params: ParamMap, config: ClipVisionConfig, bank: PixelBank, hooks?: ForwardHooks): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (let start = 0; start < bank.count; start += 32) {
    const idx = Array.from({ length: Math.min(32, bank.count - start) }, (_, j) => start + j);
    const z = tf.tidy(() => {
      const o = clipVisionForward(params, config, bank.batch(idx), { hooks });
      return o.imageEmbeds ?? o.poolerOutput; // [b, P] (no projection: the pooled output)
    });
    parts.push((await z.data()) as Float32Array);
    z.dispose();
  }
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Top-1 class of each row of features z [N, P] under the frozen head. */
export function predictFrozen(z: Float32Array, n: number, head: ClassificationHead, scale: number): Int32Array {
  return argmaxRows(headLogits(z, n, head, scale), n, head.numClasses);
}
