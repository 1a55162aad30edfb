/**
 * IntervMerge — "Parameter-Efficient Interventions for Enhanced Model Merging" (Osial, Marczak,
 * Zieliński, SDM 2025, arXiv:2412.17023); the intervention has the LoReFT form of "ReFT" (Wu et al.
 * 2024). Task-specific interventions on a merged model, inside every block, on the attention
 * sub-layer's output attn(LN1 x) BEFORE the residual add, at the CLS position only (the forward's
 * attentionOutput hook, no model copy):
 *   full:  Φ(h) = h + W2ᵀ((W1 h + b1) − (W2 h + b2)),  W1, W2 [r, D], b1, b2 [r];
 *   mini:  the same on the first s = ⌊D/12⌋ coordinates of h, the rest passes through;
 *   tiled: block l edits only the disjoint slice [l·s, (l+1)·s) by an input-independent vector
 *          R̂ᵀb (R̂ [r, s] = Gram–Schmidt of a trainable R, so its rows are orthonormal; b [r]).
 * Init: PyTorch's Linear default, U(±1/√fan_in) for weights and biases (close to, not exactly,
 * the identity). Loss: L1 between the student's z (merge + task-t interventions) and the cached
 * individual z (the teacher, no expert forward). Adam; Surgery's schedule (tasks in order, 2
 * batches of 16 each, a step per batch). trainCoefficients: with an AdaMerging base, its λ keep
 * training on the same loss (gradient by the coefficients' shortcut, one backward for both).
 * Interpretation (the paper is terse here): "tiled" has only R and b, (s + 1)·r per block per task.
 * Memory plan: a step runs the tower section by section with recomputation (train/tower-grad.ts):
 * one forward without a tape keeping the block inputs, then each block recomputed under its own
 * tape and differentiated to the interventions (and, jointly, to λ through the merged tensors,
 * built per block from θ0 and the task vectors held once, coefficients.ts), so at ViT-B/32 the peak
 * is one block's activations at batch 16 rather than the whole tower's. The interventions edit the
 * CLS inside every block, so the blocks cannot be skipped by caching features.
 * Kept tensors (modules()), per task, stacked over the L blocks: full/mini "intervmerge.<task>.w1"
 * [L, r, d], ".b1" [L, r], ".w2" [L, r, d], ".b2" [L, r] (d = D, or s for mini); tiled
 * "intervmerge.<task>.R" [L, r, s], ".b" [L, r]; with trainCoefficients also "adamerging.lambda".
 */
import * as tf from '@tensorflow/tfjs';
import { MergelabError } from '../errors';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import { type ForwardHooks, clipVisionForward } from '../model/clip-vit/forward';
import type { ClassificationHead } from '../model/heads';
import type { ParamMap } from '../params/param-map';
import type { Rng } from '../random';
import { Adam } from '../train/adam';
import { inSection, towerGrad } from '../train/tower-grad';
import { BatchSampler, type PixelBank, gatherRows } from '../train/data';
import type { MergeCoefficients } from './coefficients';
import { type Variant, intervmerge, sliceWidth } from '../catalogue/trained/intervmerge';
import { requireBase } from './base';
import { bankForward, finalOutputs, l1, predictFrozen } from './losses';
import type { FinalOutputs, NamedTensor, TrainedImplementation, TrainedModel, TrainedParams } from './types';

const BATCH = 16;


/** Task data: frozen head, unlabeled test images, cached teacher features z_ind [N, P]. */
export interface IntervMergeTask {
  name: string;
  head: ClassificationHead;
  bank: PixelBank;
  teacher: Float32Array;
}

/** Base weights: frozen tensors, or AdaMerging coefficients (trained jointly when asked). */
export type InterventionBase = { weights: ParamMap } | { coefficients: MergeCoefficients };

/** Φ(x) = x + ((x·W1ᵀ + b1) − (x·W2ᵀ + b2))·W2 on rows x [B, d]; W [r, d], b [r]. */
export function loreft(x: tf.Tensor2D, w1: tf.Tensor2D, b1: tf.Tensor1D, w2: tf.Tensor2D, b2: tf.Tensor1D): tf.Tensor2D {
  const diff = tf.sub(tf.add(tf.matMul(x, w1, false, true), b1), tf.add(tf.matMul(x, w2, false, true), b2)); // [B, r]
  return tf.add(x, tf.matMul(diff, w2)); // [B, r]·[r, d]
}

/**
 * Gram–Schmidt on the rows of R [r, s] → R̂ with orthonormal rows, differentiable. (tf.linalg.gramSchmidt's
 * gradient fails in tfjs 4.22 for a single row: "Pass at least one tensor to concat".)
 */
export function orthonormalRows(R: tf.Tensor2D): tf.Tensor2D {
  const rows: tf.Tensor1D[] = [];
  for (let i = 0; i < R.shape[0]; i++) {
    let v = tf.squeeze<tf.Tensor1D>(tf.slice(R, [i, 0], [1, -1]), [0]);
    for (const u of rows) v = tf.sub(v, tf.mul(tf.sum(tf.mul(v, u)), u));
    rows.push(tf.div(v, tf.norm(v)));
  }
  return rows.length === 1 ? tf.reshape(rows[0], [1, -1]) : tf.stack(rows) as tf.Tensor2D;
}

export class IntervMergeModel implements TrainedModel {
  readonly totalSteps: number;
  /** Per task: full/mini [W1 [L,r,d], b1 [L,r], W2 [L,r,d], b2 [L,r]]; tiled [R [L,r,s], b [L,r]]. */
  readonly vars: tf.Variable[][];
  readonly variant: Variant;
  private readonly s: number;
  private readonly opt: Adam;
  private readonly samplers: BatchSampler[];
  private readonly joint: MergeCoefficients | null;

  /** The base's coefficients when they train jointly (the same object as the base's), else null. */
  get coefficients(): MergeCoefficients | null {
    return this.joint;
  }

  constructor(private readonly base: InterventionBase, private readonly config: ClipVisionConfig, private readonly tasks: readonly IntervMergeTask[], readonly params: TrainedParams, private readonly logitScale: number, rng: Rng) {
    const { hiddenSize: D, numLayers: L } = config;
    const r = params.rank as number;
    this.variant = params.variant as Variant;
    this.s = sliceWidth(D);
    if (this.variant === 'tiled' && L * this.s > D) {
      throw new MergelabError('usage', `intervmerge: the tiled variant needs ${L} disjoint slices of ${this.s} coordinates but D is ${D}.`, 'Use variant full or mini for this architecture.');
    }
    const d = this.variant === 'full' ? D : this.s;
    const uniform = (shape: number[], fanIn: number) => tf.tidy(() => tf.variable(tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (2 * rng.next() - 1) / Math.sqrt(fanIn)), shape)));
    this.vars = tasks.map(() => (this.variant === 'tiled'
      ? [uniform([L, r, d], d), uniform([L, r], d)]
      : [uniform([L, r, d], d), uniform([L, r], d), uniform([L, r, d], d), uniform([L, r], d)]));
    this.joint = 'coefficients' in base && params.trainCoefficients ? base.coefficients : null;
    this.samplers = tasks.map((t) => new BatchSampler(t.bank.count, rng.fork()));
    this.opt = new Adam(params.lr as number);
    this.totalSteps = intervmerge.totalSteps(params, tasks.length);
  }

  /** The attention-output hook of task t's interventions, from the given values of its variables. */
  hooks(w: readonly tf.Tensor[]): ForwardHooks {
    const { hiddenSize: D } = this.config;
    const s = this.s;
    return {
      attentionOutput: (l, h) => {
        const [B, S] = h.shape;
        const cls = tf.reshape<tf.Rank.R2>(tf.slice(h, [0, 0, 0], [B, 1, D]), [B, D]); // [B, D]
        const at = (x: tf.Tensor) => tf.squeeze(tf.slice(x, [l], [1]), [0]); // block l's slice of a [L, …] stack
        let edited: tf.Tensor2D;
        if (this.variant === 'full') {
          edited = loreft(cls, at(w[0]) as tf.Tensor2D, at(w[1]) as tf.Tensor1D, at(w[2]) as tf.Tensor2D, at(w[3]) as tf.Tensor1D);
        } else {
          const o = this.variant === 'tiled' ? l * s : 0;
          const x = tf.slice(cls, [0, o], [B, s]); // [B, s]
          const y = this.variant === 'mini'
            ? loreft(x, at(w[0]) as tf.Tensor2D, at(w[1]) as tf.Tensor1D, at(w[2]) as tf.Tensor2D, at(w[3]) as tf.Tensor1D)
            : tf.add(x, tf.matMul(tf.reshape(at(w[1]), [1, -1]), orthonormalRows(at(w[0]) as tf.Tensor2D))); // + bᵀ·R̂ [1, s]
          // Empty slices are left out: tfjs's concat gradient rejects zero-width parts.
          const parts = [o > 0 ? tf.slice(cls, [0, 0], [B, o]) : null, y, o + s < D ? tf.slice(cls, [0, o + s], [B, D - o - s]) : null];
          edited = tf.concat(parts.filter((x): x is tf.Tensor2D => x !== null), 1) as tf.Tensor2D;
        }
        return tf.concat([tf.reshape(edited, [B, 1, D]), tf.slice(h, [0, 1, 0], [B, S - 1, D])], 1); // [B, S, D]
      },
    };
  }

  /** L1 of a task's student z against the teacher rows, from the merged tensors and the task's variable values. */
  loss(pixels: tf.Tensor4D, teacher: tf.Tensor2D, merged: ParamMap, w: readonly tf.Tensor[]): tf.Scalar {
    const o = clipVisionForward(merged, this.config, pixels, { hooks: this.hooks(w) });
    return l1(o.imageEmbeds ?? o.poolerOutput, teacher);
  }

  private mergedNow(): { map: ParamMap; list: tf.Tensor[] | null } {
    if ('weights' in this.base) return { map: this.base.weights, list: null };
    const list = this.base.coefficients.merged();
    return { map: new Map(this.base.coefficients.specs.map((sp, l) => [sp.name, list[l]])), list };
  }

  async step(i: number): Promise<number> {
    const t = Math.floor((i % (2 * this.tasks.length)) / 2);
    const task = this.tasks[t];
    const idx = this.samplers[t].next(BATCH);
    const P = task.head.dim;
    const pixels = task.bank.batch(idx);
    const teacher = gatherRows(task.teacher, P, idx);
    const vars = this.vars[t];
    const o = { extra: vars, hooks: (e: readonly tf.Tensor[]) => this.hooks(e), loss: (out: { pooled: tf.Tensor2D; embeds: tf.Tensor2D | null }) => l1(out.embeds ?? out.pooled, teacher) };
    const cols: (tf.Tensor2D | null)[] = this.joint ? this.joint.specs.map(() => null) : [];
    let r: { value: tf.Scalar; extraGrads: tf.Tensor[] } | null = null;
    try {
      if (this.joint) {
        r = this.joint.towerGrad(this.config, pixels, cols, o);
        const gl = this.joint.lambdaGradFromAccumulated(cols);
        try {
          this.opt.apply(new Map<tf.Variable, tf.Tensor>([[this.joint.lambda as tf.Variable, gl], ...vars.map((v, k): [tf.Variable, tf.Tensor] => [v, r!.extraGrads[k]])]));
        } finally {
          gl.dispose();
        }
      } else {
        const weights = (this.base as { weights: ParamMap }).weights;
        const names = [...weights.keys()];
        r = towerGrad({ config: this.config, pixels, ...o, keepWeights: true, names: (s) => names.filter((n) => inSection(n, s)), weights: (s) => names.filter((n) => inSection(n, s)).map((n) => weights.get(n)!) });
        this.opt.apply(new Map(vars.map((v, k) => [v, r!.extraGrads[k]])));
      }
      return (await r.value.data())[0];
    } finally {
      tf.dispose([pixels, teacher, ...cols.filter((c): c is tf.Tensor2D => c !== null), ...(r ? [r.value, ...r.extraGrads] : [])]);
    }
  }

  async predict(task: string): Promise<Int32Array> {
    return (await this.outputs(task, 0)).predictions;
  }

  /** The student's (merge + task's interventions) z [n, P], predictions and, for the first hiddenImages images, the CLS after every intervened block. */
  async outputs(task: string, hiddenImages: number): Promise<FinalOutputs> {
    const t = this.tasks.findIndex((x) => x.name === task);
    const { bank, head } = this.tasks[t];
    const merged = this.mergedNow();
    try {
      const { z, cls } = await bankForward(merged.map, this.config, bank, { hooks: this.hooks(this.vars[t]), hiddenImages });
      return finalOutputs(bank.count, z, predictFrozen(z, bank.count, head, this.logitScale), cls, this.config.hiddenSize);
    } finally {
      if (merged.list) tf.dispose(merged.list);
    }
  }

  async modules(): Promise<NamedTensor[]> {
    const names = this.variant === 'tiled' ? ['R', 'b'] : ['w1', 'b1', 'w2', 'b2'];
    const own = await Promise.all(this.tasks.flatMap((task, t) => this.vars[t].map(async (v, k) => ({ name: `intervmerge.${task.name}.${names[k]}`, shape: [...v.shape], values: (await v.data() as Float32Array).slice() }))));
    return this.joint ? [...own, await this.joint.named('adamerging.lambda')] : own;
  }

  /** Frees the interventions and optimiser state (the base belongs to the caller). */
  dispose(): void {
    this.opt.dispose();
    tf.dispose(this.vars.flat());
  }
}

/** IntervMerge on the base merge: frozen weights, or a trained base's coefficients when trainCoefficients asks to train them jointly. */
export const intervmergeMethod: TrainedImplementation = {
  descriptor: intervmerge,
  async build(ctx, p) {
    const base = requireBase(ctx, intervmerge.id);
    const inds = await ctx.individual();
    if (p.trainCoefficients && !base.coefficients) ctx.note(`intervmerge: trainCoefficients needs an AdaMerging base; the ${base.method} merge stays frozen.`);
    const weights: InterventionBase = p.trainCoefficients && base.coefficients ? { coefficients: base.coefficients } : { weights: base.weights };
    const tasks = (await ctx.pixelBanks()).map((bank, t) => ({ name: ctx.names[t], head: ctx.heads[t], bank, teacher: inds[t].z }));
    return new IntervMergeModel(weights, ctx.config, tasks, p, ctx.logitScale, ctx.rng);
  },
};
