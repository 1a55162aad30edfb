/**
 * Model Tinting — "Tint Your Models Task-wise for Improved Multi-task Model Merging" (Jung, Lee,
 * Han, Hong, 2024, arXiv:2412.19098; v2 "Why Train Everything? Tint a Single Layer…"). Jointly trains
 * the layer-wise merge coefficients (init 0.3, clamp [0, 1]; coefficients.ts, gradient by its
 * shortcut) and ONE task-specific layer per task:
 *   head (default): W [C, P] = logit_scale × the zero-shot head, b [C] = 0, logits = normalize(z)·Wᵀ + b;
 *   fc2: a per-task copy of the last block's mlp.fc2 (weight and bias), stored as a trainable
 *        offset from the merged tensor (starts at 0), with the frozen head.
 * Loss: cross-entropy against the individual model's argmax (pseudo-labels from its cached
 * features). Confidence filter (default on, "Tinting++"): keep a sample when merged and
 * individual argmax agree, or when they disagree and max p_ind ≥ max p_merged; a step that keeps
 * nothing is skipped. Adam lr 1e-2 for everything; each epoch shuffles the task order and takes
 * one batch of 32 per task, one step per task (T steps per epoch).
 * The coefficients are always layer-wise (arXiv:2412.19098 §3): with an AdaMerging base they start from
 * the base's trained λ (a task-wise λt broadcast to every tensor, MergeCoefficients.layerWise);
 * otherwise from fresh λ = 0.3 (the paper's start), whatever the base merge.
 * Memory plan (ViT-B/32, 8 tasks, batch 32): θ0 and the task vectors held once outside the tfjs
 * heap (coefficients.ts); a step runs the merged tower section by section with recomputation
 * (train/tower-grad.ts, via MergeCoefficients.towerGrad): each block's merged tensors are built
 * from λ when it runs and ∂L/∂θ(l) is folded into ⟨τt(l), ∂L/∂θ(l)⟩ at once. The head layer is
 * differentiated in the pooling section, the batch of 32 runs (at scale) as 2 micro-batches of 16 whose
 * gradients of Σ mask·CE add up before the one division by the kept count; the fc2 offset rides on the last block's merged fc2
 * (∂L/∂Δ = ∂L/∂θ(fc2), taken as it passes). The head's cross-entropy needs the tower's output for
 * the current λ, so it cannot train on cached features: the tower runs every step.
 * Kept tensors (modules()): "tinting.lambda" [T, L] (raw λ, checkpoint tensor order) and per task
 * head "tinting.<task>.weight" [C, P] and
 * ".bias" [C], or fc2 "tinting.<task>.fc2.weight_delta" [D, M] and ".fc2.bias_delta" [D] (offsets
 * from the merged last-block fc2).
 */
import * as tf from '@tensorflow/tfjs';
import { MergelabError } from '../errors';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import { clipVisionForward } from '../model/clip-vit/forward';
import { type ClassificationHead, headLogits } from '../model/heads';
import type { Rng } from '../random';
import { Adam } from '../train/adam';
import { recomputes } from '../train/tower-grad';
import { BatchSampler, type PixelBank } from '../train/data';
import { argmaxRows } from '../eval/accuracy';
import { type TintedLayer, tinting } from '../catalogue/trained/tinting';
import { requireBase } from './base';
import { MergeCoefficients } from './coefficients';
import { bankForward, crossEntropyRows, finalOutputs, frozenLogits, normalizeRows } from './losses';
import type { FinalOutputs, NamedTensor, TrainedImplementation, TrainedModel, TrainedParams } from './types';

const BATCH = 32;
/** Images per forward/backward pass inside a batch (the activations' bound; the gradient is the batch's). */
const MICRO = 16;
/** Slack of the filter's max p_ind ≥ max p_merged (filterMask). */
const TIE = 1e-6;

const fc2Name = (config: ClipVisionConfig, what: 'weight' | 'bias') => `vision_model.encoder.layers.${config.numLayers - 1}.mlp.fc2.${what}`;



/** Task data: frozen head, unlabeled test images, the individual model's cached logits [N, C]. */
export interface TintingTask {
  name: string;
  head: ClassificationHead;
  bank: PixelBank;
  individualLogits: Float32Array;
}

export class TintingModel implements TrainedModel {
  readonly totalSteps: number;
  /** Per task: head [W [C, P], b [C]] or fc2 [ΔW [D, M], Δb [D]]. */
  readonly vars: tf.Variable[][];
  readonly layer: TintedLayer;
  private readonly heads: tf.Tensor2D[];
  private readonly pseudo: Int32Array[];
  private readonly confidence: Float32Array[];
  private readonly samplers: BatchSampler[];
  private readonly opt: Adam;
  private order: number[] = [];

  /** Takes ownership of `coefficients` (layer-wise). */
  constructor(readonly coefficients: MergeCoefficients, private readonly config: ClipVisionConfig, private readonly tasks: readonly TintingTask[], readonly params: TrainedParams, private readonly logitScale: number, private readonly rng: Rng) {
    if (coefficients.granularity !== 'layer') throw new MergelabError('usage', 'tinting: the merge coefficients must be layer-wise.', 'Pass MergeCoefficients.layerWise() of a task-wise base.');
    this.layer = params.layer as TintedLayer;
    const { hiddenSize: D, intermediateSize: M } = config;
    this.heads = tasks.map((t) => tf.tensor2d(t.head.weight, [t.head.numClasses, t.head.dim]));
    this.vars = tasks.map((t, k) => tf.tidy(() => (this.layer === 'head'
      ? [tf.variable(tf.mul(this.heads[k], logitScale)), tf.variable(tf.zeros([t.head.numClasses]))]
      : [tf.variable(tf.zeros([D, M])), tf.variable(tf.zeros([D]))])));
    this.pseudo = tasks.map((t) => argmaxRows(t.individualLogits, t.bank.count, t.head.numClasses));
    this.confidence = tasks.map((t) => maxSoftmax(t.individualLogits, t.head.numClasses));
    this.samplers = tasks.map((t) => new BatchSampler(t.bank.count, rng.fork()));
    this.opt = new Adam(params.lr as number);
    this.totalSteps = tinting.totalSteps(params, tasks.length);
  }

  /** Logits [B, C] of task t from merged tensors (spec order) and the task's layer values. */
  logits(t: number, pixels: tf.Tensor4D, merged: readonly tf.Tensor[], w: readonly tf.Tensor[]): tf.Tensor2D {
    const o = clipVisionForward(this.taskParams(merged, w), this.config, pixels);
    return this.head(t, o.imageEmbeds ?? o.poolerOutput, w);
  }

  /** Task t's weights: the merged tensors, with the fc2 offsets added for the fc2 layer (the added tensors are the caller's). */
  private taskParams(merged: readonly tf.Tensor[], w: readonly tf.Tensor[]): Map<string, tf.Tensor> {
    const params = new Map(this.coefficients.specs.map((s, l) => [s.name, merged[l]]));
    if (this.layer === 'fc2') {
      for (const [k, what] of (['weight', 'bias'] as const).entries()) params.set(fc2Name(this.config, what), tf.add(params.get(fc2Name(this.config, what))!, w[k]));
    }
    return params;
  }

  /** Task t's logits [B, C] from z [B, P]: the tinted head, or the frozen one under a tinted fc2. */
  private head(t: number, z: tf.Tensor2D, w: readonly tf.Tensor[]): tf.Tensor2D {
    if (this.layer === 'fc2') return frozenLogits(z, this.heads[t], this.logitScale);
    return tf.add(tf.matMul(normalizeRows(z), w[0], false, true), w[1]); // [B, C]
  }

  /**
   * Cross-entropy against the pseudo-labels over the kept samples, and how many were kept.
   */
  loss(t: number, pixels: tf.Tensor4D, idx: readonly number[], merged: readonly tf.Tensor[], w: readonly tf.Tensor[]): { loss: tf.Scalar; kept: tf.Scalar } {
    return this.lossOf(t, idx, this.logits(t, pixels, merged, w));
  }

  /** The same from task t's logits [B, C]. */
  private lossOf(t: number, idx: readonly number[], logits: tf.Tensor2D): { loss: tf.Scalar; kept: tf.Scalar } {
    const { sum, kept } = this.maskedCe(t, idx, logits);
    return { loss: tf.div(sum, tf.maximum(kept, 1)) as tf.Scalar, kept };
  }

  /** Σ mask·CE over the rows of logits [B, C] and the number of kept rows (the filter's mask, or all), as tensors: nothing is read from the device. */
  private maskedCe(t: number, idx: readonly number[], logits: tf.Tensor2D): { sum: tf.Scalar; kept: tf.Scalar } {
    const labels = tf.tensor1d(idx.map((k) => this.pseudo[t][k]), 'int32');
    const ce = crossEntropyRows(logits, labels); // [B]
    const mask = this.params.filter ? this.filterMask(t, idx, logits) : tf.onesLike(ce); // [B]
    return { sum: tf.sum(tf.mul(mask, ce)) as tf.Scalar, kept: tf.sum(mask) as tf.Scalar };
  }

  /**
   * [B] float mask, 1 where Tinting++ keeps sample idx[j] given the merged logits [B, C]: its
   * argmax is the pseudo-label, or max p_ind ≥ max p_merged. Computed on the device (a read of the
   * logits inside the step lost the WebGPU device in headless Chromium) and without a gradient:
   * tfjs has none for equal/logicalOr, and ops inside customGrad's forward are not taped. max p_ind
   * comes from the CPU (float64, stored as float32) and max p_merged from the device in float32, so
   * a tie is taken within TIE = 1e-6 (a few float32 ulps of a probability) and kept.
   */
  filterMask(t: number, idx: readonly number[], logits: tf.Tensor2D): tf.Tensor1D {
    const labels = tf.tensor1d(idx.map((k) => this.pseudo[t][k]), 'int32');
    const conf = tf.tensor1d(idx.map((k) => this.confidence[t][k]));
    try {
      const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
        const x = args[0] as tf.Tensor; // [B, C]
        return {
          value: tf.tidy(() => {
            const agree = tf.equal(tf.argMax(x, 1), labels);
            const pMerged = tf.div(1, tf.sum(tf.exp(tf.sub(x, tf.max(x, 1, true))), 1)); // max softmax of each row
            return tf.cast(tf.logicalOr(agree, tf.greaterEqual(conf, tf.sub(pMerged, TIE))), 'float32');
          }),
          gradFunc: () => tf.zerosLike(x),
        };
      });
      return f(logits) as tf.Tensor1D;
    } finally {
      tf.dispose([labels, conf]);
    }
  }

  async step(i: number): Promise<number | null> {
    const T = this.tasks.length;
    if (i % T === 0) this.order = this.rng.shuffle([...Array(T).keys()]);
    const t = this.order[i % T];
    const idx = this.samplers[t].next(BATCH);
    const w = this.vars[t];
    const fc2 = this.layer === 'fc2' ? (['weight', 'bias'] as const).map((what) => fc2Name(this.config, what)) : [];
    const fc2Index = fc2.map((n) => this.coefficients.specs.findIndex((s) => s.name === n));
    const cols: (tf.Tensor2D | null)[] = this.coefficients.specs.map(() => null);
    const sums: (tf.Tensor | null)[] = w.map(() => null); // Σ over micro-batches of ∂(Σ mask·CE)/∂(head or fc2 offset)
    const add = (k: number, g: tf.Tensor) => { const prev = sums[k]; sums[k] = prev ? tf.add(prev, g) : g.clone(); prev?.dispose(); };
    let keptSum = null as tf.Scalar | null; // Σ kept rows over the micro-batches
    let total = 0;
    const grads: tf.Tensor[] = [];
    try {
      // Micro-batches of 16 where the tower recomputes (bounded activations); the loss Σ mask·CE / max(kept, 1) is linear in the per-batch sums, so their gradients add up and are divided once.
      const micro = recomputes(this.config, BATCH) ? MICRO : BATCH;
      for (let s = 0; s < idx.length; s += micro) {
        const sub = idx.slice(s, s + micro);
        const pixels = this.tasks[t].bank.batch(sub);
        try {
          const r = this.coefficients.towerGrad(this.config, pixels, cols, {
            extra: this.layer === 'head' ? w : [],
            adjust: (n, m) => (fc2.includes(n) ? tf.add(m, w[fc2.indexOf(n)]) : m), // fc2: θ(fc2) + Δ
            tap: (l, g) => { const k = fc2Index.indexOf(l); if (k >= 0) add(k, g); }, // ∂L/∂Δ = ∂L/∂(θ + Δ)
            loss: (o, e) => {
              const res = this.maskedCe(t, sub, this.head(t, o.embeds ?? o.pooled, this.layer === 'head' ? e : w));
              const prev = keptSum;
              keptSum = tf.keep(prev ? tf.add<tf.Scalar>(prev, res.kept) : res.kept.clone()); // read once, asynchronously, after the batch
              prev?.dispose();
              return res.sum;
            },
          });
          total += (await r.value.data())[0];
          r.extraGrads.forEach((g, k) => add(k, g));
          tf.dispose([r.value, ...r.extraGrads]);
        } finally {
          pixels.dispose();
        }
      }
      const kept = keptSum ? (await keptSum.data())[0] : 0;
      if (kept === 0) return null; // nothing kept: skip the step
      const scale = 1 / kept;
      grads.push(tf.tidy(() => tf.mul(this.coefficients.lambdaGradFromAccumulated(cols), scale)), ...sums.map((g) => tf.mul(g!, scale)));
      this.opt.apply(new Map<tf.Variable, tf.Tensor>([[this.coefficients.lambda as tf.Variable, grads[0]], ...w.map((v, k): [tf.Variable, tf.Tensor] => [v, grads[1 + k]])]));
      return total / kept;
    } finally {
      tf.dispose([...cols.filter((c): c is tf.Tensor2D => c !== null), ...sums.filter((g): g is tf.Tensor => g !== null), ...grads, ...(keptSum ? [keptSum] : [])]);
    }
  }

  async predict(task: string): Promise<Int32Array> {
    return (await this.outputs(task, 0)).predictions;
  }

  /** Task t's own model: z [n, P] of its tower (fc2: with its offsets), predictions of its tinted layer, and the CLS after every block of the first hiddenImages images. */
  async outputs(task: string, hiddenImages: number): Promise<FinalOutputs> {
    const t = this.tasks.findIndex((x) => x.name === task);
    const bank = this.tasks[t].bank;
    const C = this.tasks[t].head.numClasses;
    const merged = this.coefficients.merged();
    const params = this.taskParams(merged, this.vars[t]);
    try {
      const { z, cls, logits } = await bankForward(params, this.config, bank, { hiddenImages, logits: (zb) => this.head(t, zb, this.vars[t]) });
      return finalOutputs(bank.count, z, argmaxRows(logits!, bank.count, C), cls, this.config.hiddenSize);
    } finally {
      tf.dispose([...new Set([...merged, ...params.values()])]);
    }
  }

  async modules(): Promise<NamedTensor[]> {
    const names = this.layer === 'head' ? ['weight', 'bias'] : ['fc2.weight_delta', 'fc2.bias_delta'];
    return [
      await this.coefficients.named('tinting.lambda'),
      ...await Promise.all(this.tasks.flatMap((task, t) => this.vars[t].map(async (v, k) => ({ name: `tinting.${task.name}.${names[k]}`, shape: [...v.shape], values: (await v.data() as Float32Array).slice() })))),
    ];
  }

  dispose(): void {
    this.opt.dispose();
    tf.dispose([...this.heads, ...this.vars.flat()]);
    this.coefficients.dispose();
  }
}

/** max softmax probability of each row of logits [N, C]. */
function maxSoftmax(logits: Float32Array, C: number): Float32Array {
  const n = logits.length / C;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, logits[i * C + c]);
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(logits[i * C + c] - m);
    out[i] = 1 / s;
  }
  return out;
}

/**
 * Tinting on the base merge: a trained base's coefficients continue as one layer-wise set (a copy
 * sharing θ0 and τ; the base's own λ stays its result); any other base is replaced by fresh
 * layer-wise coefficients at λ = 0.3, the paper's start.
 */
export const tintingMethod: TrainedImplementation = {
  descriptor: tinting,
  async build(ctx, p) {
    const base = requireBase(ctx, tinting.id);
    const inds = await ctx.individual();
    if (!base.coefficients && !(base.method === 'task_arithmetic' && base.params.lambda === 0.3)) ctx.note(`tinting trains its own layer-wise coefficients from λ = 0.3 (Task Arithmetic's start); the ${base.method} merge is not used.`);
    const coefficients = base.coefficients ? base.coefficients.layerWise() : await MergeCoefficients.fromPool(ctx.suite.pretrained, [...ctx.suite.experts.values()], ctx.names, { granularity: 'layer' });
    const tasks = (await ctx.pixelBanks()).map((bank, t) => ({ name: ctx.names[t], head: ctx.heads[t], bank, individualLogits: headLogits(inds[t].z, inds[t].n, ctx.heads[t], ctx.logitScale) }));
    return new TintingModel(coefficients, ctx.config, tasks, p, ctx.logitScale, ctx.rng);
  },
};
