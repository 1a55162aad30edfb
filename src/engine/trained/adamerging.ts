/**
 * AdaMerging — "AdaMerging: Adaptive Model Merging for Multi-Task Learning" (Yang et al., ICLR
 * 2024, arXiv:2310.02575). Learns the merge coefficients of θ = θ0 + Σt clamp(λt(l), 0, 1)·τt(l),
 * task-wise (T scalars) or layer-wise (one per parameter tensor: every tensor of the checkpoint,
 * the projection included when the pretrained model has one — see coefficients.ts), λ init 0.3,
 * by minimising the Shannon entropy of each task's predictions on its unlabeled test images,
 * summed over tasks. Each iteration draws 2 shuffled batches of 16 per task, sums the 2·T batch
 * means, and takes ONE Adam step. ++ (AdaMerging++) uses the TIES-selected entries (k %) as τt.
 * Gradient by the shortcut ∂L/∂λt(l) = ⟨∂L/∂θ(l), τt(l)⟩ (coefficients.ts). Deviation: the
 * gradients of the tasks and of their batches are computed one batch at a time and summed (same
 * value up to float rounding, less memory).
 * Memory plan (ViT-B/32, 8 tasks, batches of 16): θ0 and the task vectors held once outside the
 * tfjs heap (coefficients.ts, task-vectors.ts: 0.35 GB + 1.4 GB as scaled halves); per batch one
 * forward without a tape keeping the 13 block inputs, then a backward section by section that
 * rebuilds each block's merged tensors from λ, recomputes its activations (train/tower-grad.ts)
 * and folds ∂L/∂θ(l) into the [T, 1] column ⟨τt(l), ∂L/∂θ(l)⟩ at once; the whole merged tower is
 * never held. Peak: one block's activations and gradients at batch 16 (about 0.5 GB).
 * Kept tensor (modules()): "adamerging.lambda" [T, 1] task-wise or [T, L] layer-wise, the raw
 * (unclamped) λ; its columns follow the checkpoint's tensor order (coefficients.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import { clipVisionForward } from '../model/clip-vit/forward';
import type { ClassificationHead } from '../model/heads';
import type { Rng } from '../random';
import { Adam } from '../train/adam';
import { BatchSampler, type PixelBank } from '../train/data';
import { adamerging } from '../catalogue/trained/adamerging';
import { type Granularity, MergeCoefficients } from './coefficients';
import { bankForward, finalOutputs, frozenLogits, meanEntropy, predictFrozen } from './losses';
import type { FinalOutputs, NamedTensor, TrainedImplementation, TrainedModel, TrainedParams } from './types';

const BATCH = 16;
const BATCHES = 2;


/** A task to adapt on: its frozen head and its unlabeled test images. */
export interface AdaMergingTask {
  name: string;
  head: ClassificationHead;
  bank: PixelBank;
}

export class AdaMergingModel implements TrainedModel {
  readonly totalSteps: number;
  private readonly heads: tf.Tensor2D[];
  private readonly samplers: BatchSampler[];
  private readonly opt: Adam;

  /** Takes ownership of `coefficients` (disposed with the model). */
  constructor(readonly coefficients: MergeCoefficients, private readonly config: ClipVisionConfig, private readonly tasks: readonly AdaMergingTask[], readonly params: TrainedParams, private readonly logitScale: number, rng: Rng) {
    this.heads = tasks.map((t) => tf.tensor2d(t.head.weight, [t.head.numClasses, t.head.dim])); // [C, P]
    this.samplers = tasks.map((t) => new BatchSampler(t.bank.count, rng.fork()));
    this.opt = new Adam(params.lr as number);
    this.totalSteps = adamerging.totalSteps(params, tasks.length);
  }

  /** Entropy loss of task t on a batch (the sum of the means of its 2 sub-batches), as a function of the merged tensors. */
  taskLoss(t: number, pixels: tf.Tensor4D, batches: number[]): (...merged: tf.Tensor[]) => tf.Scalar {
    return (...merged) => {
      const params = new Map(this.coefficients.specs.map((s, l) => [s.name, merged[l]]));
      const o = clipVisionForward(params, this.config, pixels);
      const logits = frozenLogits(o.imageEmbeds ?? o.poolerOutput, this.heads[t], this.logitScale); // [B, C]
      let loss = tf.scalar(0);
      let start = 0;
      for (const b of batches) {
        loss = tf.add(loss, meanEntropy(tf.slice(logits, [start, 0], [b, -1])));
        start += b;
      }
      return loss;
    };
  }

  async step(): Promise<number> {
    const cols: (tf.Tensor2D | null)[] = this.coefficients.specs.map(() => null);
    let grad: tf.Tensor2D | null = null;
    let total = 0;
    try {
      for (let t = 0; t < this.tasks.length; t++) {
        for (let k = 0; k < BATCHES; k++) {
          const idx = this.samplers[t].next(BATCH);
          const pixels = this.tasks[t].bank.batch(idx);
          try {
            const { value } = this.coefficients.towerGrad(this.config, pixels, cols, {
              loss: (o) => meanEntropy(frozenLogits(o.embeds ?? o.pooled, this.heads[t], this.logitScale)), // [B, C] → mean entropy
            });
            total += (await value.data())[0];
            value.dispose();
          } finally {
            pixels.dispose();
          }
        }
      }
      grad = this.coefficients.lambdaGradFromAccumulated(cols); // [T, 1|L]
      this.opt.apply(new Map([[this.coefficients.lambda as tf.Variable, grad]]));
    } finally {
      tf.dispose(cols.filter((c): c is tf.Tensor2D => c !== null));
      grad?.dispose();
    }
    return total;
  }

  async predict(task: string): Promise<Int32Array> {
    return (await this.outputs(task, 0)).predictions;
  }

  /** The merged weights' z [n, P], predictions [n] and (first hiddenImages images) CLS after every block. */
  async outputs(task: string, hiddenImages: number): Promise<FinalOutputs> {
    const t = this.tasks.findIndex((x) => x.name === task);
    const params = this.coefficients.mergedMap();
    try {
      const bank = this.tasks[t].bank;
      const { z, cls } = await bankForward(params, this.config, bank, { hiddenImages });
      return finalOutputs(bank.count, z, predictFrozen(z, bank.count, this.tasks[t].head, this.logitScale), cls, this.config.hiddenSize);
    } finally {
      tf.dispose([...params.values()]);
    }
  }

  async modules(): Promise<NamedTensor[]> {
    return [await this.coefficients.named('adamerging.lambda')];
  }

  dispose(): void {
    this.opt.dispose();
    tf.dispose(this.heads);
    this.coefficients.dispose();
  }
}

/** AdaMerging as a trained base merge: fresh coefficients (λ 0.3) over the suite's pool, trained on every task's images. */
export const adamergingMethod: TrainedImplementation = {
  descriptor: adamerging,
  async build(ctx, p) {
    const coefficients = await MergeCoefficients.fromPool(ctx.suite.pretrained, [...ctx.suite.experts.values()], ctx.names, { granularity: p.granularity as Granularity, plus: p.plus ? { k: p.k as number } : null });
    const tasks = (await ctx.pixelBanks()).map((bank, t) => ({ name: ctx.names[t], head: ctx.heads[t], bank }));
    return new AdaMergingModel(coefficients, ctx.config, tasks, p, ctx.logitScale, ctx.rng);
  },
};
