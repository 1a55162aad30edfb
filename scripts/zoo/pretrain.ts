/**
 * Pretraining of the zoo's "pretrained" tower on the world mixture (world.ts): supervised
 * classification of 44 pseudo-classes with a learned cosine classifier
 * (logits = s · normalize(z) · normalize(W)ᵀ, s = 16), so the features z are shaped for the cosine
 * heads the tasks use afterwards. The tower is kept, and the classifier's unit-norm rows are
 * returned too (with 'captions' pretraining labels they are the tasks' description heads).
 */
import * as tf from '@tensorflow/tfjs';
import type { ClipVisionConfig } from '../../src/engine/model/clip-vit/config';
import type { Rng } from '../../src/engine/random';
import { clipLogits, crossEntropy } from './heads';
import { batchStream } from './dataset';
import type { ImageSet } from './tasks/task';
import { features, initParams, pixelBatch } from './tower';
import { train } from './train';

export interface PretrainOptions {
  steps: number;
  batch: number;
  lr: number;
  weightDecay: number;
  log?: (step: number, loss: number, ms: number) => void;
}

const SCALE = 16;

/** Trains a fresh tower on `data` (numClasses pseudo-classes); returns its variables and the classifier's unit-norm rows [numClasses, P]. */
export async function pretrain(c: ClipVisionConfig, data: ImageSet, numClasses: number, o: PretrainOptions, rng: Rng): Promise<{ params: Map<string, tf.Variable>; classifier: Float32Array }> {
  const params = initParams(c, rng);
  const W = tf.variable(tf.randomNormal([numClasses, c.projectionDim!], 0, 1, 'float32', rng.int(2 ** 31)));
  const next = batchStream(data, o.batch, rng);
  const vars = new Map<string, tf.Variable>([...params, ['classifier', W]]);
  try {
    await train(vars, {
      steps: o.steps, lr: o.lr, warmup: Math.round(o.steps * 0.05), weightDecay: o.weightDecay, log: o.log,
      loss: () => {
        const b = next();
        const z = features(params, c, pixelBatch(b.images, 0, o.batch));
        const Wn = tf.div(W, tf.norm(W, 'euclidean', 1, true));
        return crossEntropy(clipLogits(z, Wn as tf.Tensor2D, SCALE), b.labels);
      },
    });
    const rows = tf.tidy(() => tf.div(W, tf.norm(W, 'euclidean', 1, true)));
    const classifier = (await rows.data()) as Float32Array;
    rows.dispose();
    return { params, classifier };
  } finally {
    W.dispose();
  }
}
