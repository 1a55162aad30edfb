/**
 * The differentiable pieces the trained methods share: the frozen zero-shot head in tf ops
 * (the same formula as model/heads.ts headLogits), log-softmax, entropy, L1, and
 * the forward of a task's images in batches for prediction.
 */
import * as tf from '@tensorflow/tfjs';
import { argmaxRows } from '../eval/accuracy';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import { type ForwardHooks, clipVisionForward } from '../model/clip-vit/forward';
import { type ClassificationHead, headLogits } from '../model/heads';
import type { ParamMap } from '../params/param-map';
import type { PixelBank } from '../train/data';
import type { FinalOutputs } from './types';

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

/**
 * Cross-entropy of each row of logits [B, C] against integer labels [B] (int32), −log softmax(x)[y]
 * → [B] (torch's cross_entropy with reduction 'none').
 */
export function crossEntropyRows(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.neg(tf.sum(tf.mul(tf.oneHot(labels, logits.shape[1]), logSoftmax(logits)), 1)) as tf.Tensor1D;
}

/** Mean absolute error over all entries (torch's L1Loss). */
export function l1(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.mean(tf.abs(tf.sub(a, b)));
}

/** Image features z [N, P] of a bank's images through `params` (with hooks), 32 at a time. */
export async function bankFeatures(params: ParamMap, config: ClipVisionConfig, bank: PixelBank, hooks?: ForwardHooks): Promise<Float32Array> {
  return (await bankForward(params, config, bank, { hooks })).z;
}

export interface BankForwardOptions {
  hooks?: ForwardHooks;
  /** Also keep the CLS token after every block for the first min(N, hiddenImages) images (default 0). */
  hiddenImages?: number;
  /** Per batch, from its z [b, P]: logits [b, C] to read back as well (a trained head). */
  logits?: (z: tf.Tensor2D) => tf.Tensor2D;
}

/**
 * One pass over a bank's images, 32 at a time: z [N, P] (no projection: the pooled output), the
 * CLS after every block of the first m = min(N, hiddenImages) images (L + 1 arrays [m, D]; null
 * when m is 0) and, with `logits`, those [N, C].
 */
export async function bankForward(params: ParamMap, config: ClipVisionConfig, bank: PixelBank, opts: BankForwardOptions = {}): Promise<{ z: Float32Array; cls: Float32Array[] | null; logits: Float32Array | null }> {
  const m = Math.min(bank.count, Math.max(0, opts.hiddenImages ?? 0));
  const D = config.hiddenSize;
  const z: Float32Array[] = [];
  const logits: Float32Array[] = [];
  const cls: Float32Array[][] = [];
  for (let start = 0; start < bank.count; start += 32) {
    const idx = Array.from({ length: Math.min(32, bank.count - start) }, (_, j) => start + j);
    const keep = Math.max(0, Math.min(idx.length, m - start)); // rows of this batch whose CLS is kept
    const outs = tf.tidy(() => {
      const o = clipVisionForward(params, config, bank.batch(idx), { hooks: opts.hooks, hiddenStates: keep > 0 });
      const zb = o.imageEmbeds ?? o.poolerOutput; // [b, P]
      const hidden = o.hiddenStates.map((h) => tf.reshape(tf.slice(h, [0, 0, 0], [keep, 1, D]), [keep, D])); // [keep, D] each
      return [zb, ...(opts.logits ? [opts.logits(zb)] : []), ...hidden];
    });
    try {
      const data = (await Promise.all(outs.map((t) => t.data()))) as Float32Array[];
      z.push(data[0]);
      if (opts.logits) logits.push(data[1]);
      if (keep > 0) cls.push(data.slice(opts.logits ? 2 : 1));
    } finally {
      tf.dispose(outs);
    }
  }
  return {
    z: concatRows(z),
    cls: m > 0 ? cls[0].map((_, l) => concatRows(cls.map((b) => b[l]))) : null,
    logits: opts.logits ? concatRows(logits) : null,
  };
}

/** Row-major parts → one array. */
function concatRows(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** FinalOutputs of n images from z [n, P], predictions [n] and the CLS tokens of the first m images (L + 1 arrays [m, D], or null). */
export function finalOutputs(n: number, z: Float32Array, predictions: Int32Array, cls: Float32Array[] | null, D: number): FinalOutputs {
  const dim = z.length / n;
  const m = cls ? cls[0].length / D : 0;
  return { n, dim, z, predictions, hidden: cls ? { n: m, dim, z: z.slice(0, m * dim), cls } : null };
}

/** Top-1 class of each row of features z [N, P] under the frozen head. */
export function predictFrozen(z: Float32Array, n: number, head: ClassificationHead, scale: number): Int32Array {
  return argmaxRows(headLogits(z, n, head, scale), n, head.numClasses);
}
