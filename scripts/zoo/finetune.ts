/**
 * Expert fine-tuning, the task-vector recipe: start from the pretrained tower, freeze the task's
 * zero-shot head H, train every tower parameter (or, with scope 'attention', only the attention
 * modules' q, k, v and out projections: Jin et al., arXiv:2407.07089) with AdamW and a cosine
 * schedule with warm-up on cross-entropy of s · normalize(z) · Hᵀ over the task's training split.
 */
import * as tf from '@tensorflow/tfjs';
import type { ClipVisionConfig } from '../../src/engine/model/clip-vit/config';
import type { ParamMap } from '../../src/engine/params/param-map';
import type { Rng } from '../../src/engine/random';
import type { FinetuneScope } from './recipe';
import { clipLogits, crossEntropy } from './heads';
import { batchStream } from './dataset';
import type { ImageSet } from './tasks/task';
import { features, pixelBatch, toVariables } from './tower';
import { train } from './train';

export interface FinetuneOptions {
  steps: number;
  batch: number;
  lr: number;
  weightDecay: number;
  /** CLIP's logit scale s (100). */
  logitScale: number;
  /** Which parameters train (default all). */
  scope?: FinetuneScope;
  log?: (step: number, loss: number, ms: number) => void;
}

/** Fine-tunes a copy of `pretrained` on `data` against the frozen head H [C, P]; returns it. */
export async function finetune(c: ClipVisionConfig, pretrained: ParamMap, head: Float32Array, data: ImageSet, o: FinetuneOptions, rng: Rng): Promise<Map<string, tf.Variable>> {
  const params = toVariables(pretrained);
  const P = c.projectionDim!;
  const H = tf.tensor2d(head, [head.length / P, P]);
  const next = batchStream(data, o.batch, rng);
  try {
    const trainable = o.scope === 'attention' ? new Map([...params].filter(([n]) => isAttention(n))) : params;
    await train(trainable, {
      steps: o.steps, lr: o.lr, warmup: Math.round(o.steps * 0.1), weightDecay: o.weightDecay, log: o.log, logEvery: 25,
      loss: () => {
        const b = next();
        return crossEntropy(clipLogits(features(params, c, pixelBatch(b.images, 0, o.batch)), H, o.logitScale), b.labels);
      },
    });
  } finally {
    H.dispose();
  }
  return params;
}

/** q, k, v and out projections (weights and biases) of every self-attention block. */
export function isAttention(name: string): boolean {
  return /self_attn\.(q|k|v|out)_proj\.(weight|bias)$/.test(name);
}
