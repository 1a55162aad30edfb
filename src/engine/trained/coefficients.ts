/**
 * Trainable merge coefficients over task vectors (AdaMerging, Model Tinting, IntervMerge's joint
 * option): θ(l) = θ0(l) + Σt clamp(λt(l), 0, 1) · τt(l) for every parameter tensor l — the
 * checkpoint's every stored tensor, visual_projection included when the pretrained model has
 * one (ViT-B/32 HF layout: 199 without, 200 with). Task-wise granularity shares one λt over all l.
 * τt is the full task vector or, for AdaMerging++, its TIES-selected entries (trimmed and
 * sign-agreeing, merge/open-merge.ts). Gradients use a shortcut (the chain rule through θ = θ0 + Σt λt·τt):
 * ∂L/∂λt(l) = ⟨∂L/∂θ(l), τt(l)⟩ — one backward pass to the merged weights, then dot products —
 * zeroed where λ lies outside [0, 1] (torch.clamp's gradient: 1 on the closed interval).
 * A tensor whose task vectors are all zero (FusionBench experts without visual_projection: the
 * pretrained projection for all, τ = 0) keeps its λ column (exports keep the checkpoint's tensor
 * order) but its coefficients do nothing and get no gradient, so they are not counted as trained
 * (`liveTensors`: 199 of 200 for ViT-B/32 there).
 * Memory: θ0 plus T task vectors as tensors (ViT-B/32 × 8: ~3.2 GB; the zoo: 7 MB).
 */
import * as tf from '@tensorflow/tfjs';
import type { Checkpoint, ParamSpec } from '../model/clip-vit/checkpoint';
import { openMerge } from '../merge/open-merge';
import { PoolReader } from '../merge/pool-reader';
import type { ParamMap } from '../params/param-map';
import { CoefficientsError, type CoefficientsJson, type Granularity, parseCoefficients } from './coefficients-json';
import type { NamedTensor } from './types';

export type { CoefficientsJson, Granularity };

export interface CoefficientOptions {
  granularity: Granularity;
  /** Use the TIES-selected entries (k %) instead of the full task vectors. */
  plus?: { k: number } | null;
  init?: number;
}

export class MergeCoefficients {
  /** [T, 1] task-wise or [T, L] layer-wise raw coefficients. */
  readonly lambda: tf.Variable<tf.Rank.R2>;

  private constructor(
    readonly specs: readonly ParamSpec[],
    readonly tasks: readonly string[],
    readonly granularity: Granularity,
    readonly plus: boolean,
    private readonly base: tf.Tensor[], // θ0(l), each in its own shape
    private readonly taus: tf.Tensor2D[], // τ(l) [T, n_l]
    init: number | tf.Tensor2D,
    /** Tensors l with some τt(l) ≠ 0: the ones whose coefficients do something. */
    readonly liveTensors: number,
    /** false for a layerWise() copy: base and taus belong to the original. */
    private readonly ownsInputs = true,
  ) {
    const T = tasks.length;
    this.lambda = tf.tidy(() => tf.variable(typeof init === 'number' ? tf.fill([T, granularity === 'task' ? 1 : specs.length], init) : init.clone(), true)) as tf.Variable<tf.Rank.R2>;
  }

  /** Reads θ0 and the T task vectors tensor by tensor (streaming the files). */
  static async fromPool(pretrained: Checkpoint, experts: readonly Checkpoint[], tasks: readonly string[], opts: CoefficientOptions): Promise<MergeCoefficients> {
    const base: tf.Tensor[] = [];
    const taus: tf.Tensor2D[] = [];
    try {
      const specs = pretrained.params;
      const T = experts.length;
      let live = 0;
      const count = (rows: readonly Float32Array[]) => { if (rows.some((r) => r.some((v) => v !== 0))) live++; };
      if (opts.plus) {
        const { merge } = await openMerge({ pretrained, experts, method: 'ties', params: { k: opts.plus.k } });
        for (let i = 0; i < specs.length; i++) {
          const sel = await merge.selected(i);
          count(sel);
          base.push(tf.tensor((await merge.reader.read(i)).base, specs[i].shape));
          taus.push(stack(sel, T));
        }
      } else {
        const reader = new PoolReader(pretrained, experts);
        for (let i = 0; i < specs.length; i++) {
          const x = await reader.read(i);
          base.push(tf.tensor(x.base, specs[i].shape));
          const tau = x.experts.map((v) => v.map((e, j) => e - x.base[j]));
          count(tau);
          taus.push(stack(tau, T));
        }
      }
      return new MergeCoefficients(specs, tasks, opts.granularity, !!opts.plus, base, taus, opts.init ?? 0.3, live);
    } catch (e) {
      tf.dispose([...base, ...taus]);
      throw e;
    }
  }

  /** Number of coefficients that do something: T (task-wise) or T × liveTensors (layer-wise). */
  get size(): number {
    return this.tasks.length * (this.granularity === 'task' ? 1 : this.liveTensors);
  }

  /**
   * Layer-wise coefficients over the same θ0 and task vectors, starting from this λ (a task-wise
   * λt is broadcast to every tensor): Model Tinting's continuation of an AdaMerging base
   * (arXiv 2412.19098 §3 trains layer-wise coefficients). The copy shares θ0 and τ (it never
   * disposes them: dispose it before this one) and has its own λ variable.
   */
  layerWise(): MergeCoefficients {
    const L = this.specs.length;
    const start = tf.tidy(() => (this.granularity === 'task' ? tf.tile(this.lambda, [1, L]) : this.lambda.clone()) as tf.Tensor2D); // [T, L]
    try {
      return new MergeCoefficients(this.specs, this.tasks, 'layer', this.plus, this.base, this.taus, start, this.liveTensors, false);
    } finally {
      start.dispose();
    }
  }

  /** Merged tensors θ(l) for the current λ, in spec order (caller disposes; fine inside tf.tidy). */
  merged(): tf.Tensor[] {
    return tf.tidy(() => {
      const c = tf.clipByValue(this.lambda, 0, 1); // [T, 1|L]
      return this.base.map((b, l) => {
        const col = this.granularity === 'task' ? c : tf.slice(c, [0, l], [-1, 1]); // [T, 1]
        return tf.add(b, tf.reshape(tf.matMul(col, this.taus[l], true, false), b.shape)); // [1, T]·[T, n] → θ0 shape
      });
    });
  }

  /** The merged model as a ParamMap (caller disposes its tensors). */
  mergedMap(): ParamMap {
    const m = this.merged();
    return new Map(this.specs.map((s, l) => [s.name, m[l]]));
  }

  /** ∂L/∂λ [T, 1|L] from ∂L/∂θ(l) (spec order) by the shortcut, zero where λ ∉ [0, 1]. */
  lambdaGrad(gMerged: readonly tf.Tensor[]): tf.Tensor2D {
    return tf.tidy(() => {
      const cols = this.taus.map((tau, l) => tf.matMul(tau, tf.reshape(gMerged[l], [-1, 1]))); // [T, n]·[n, 1] = ⟨τt(l), g(l)⟩ → [T, 1]
      const full = tf.concat(cols, 1); // [T, L]
      const g = this.granularity === 'task' ? tf.sum(full, 1, true) : full;
      const inside = tf.logicalAnd(tf.greaterEqual(this.lambda, 0), tf.lessEqual(this.lambda, 1));
      return tf.where(inside, g, tf.zerosLike(g)) as tf.Tensor2D;
    });
  }

  /** Clamped λ as plain numbers, [T][1|L]. */
  clamped(): number[][] {
    return tf.tidy(() => tf.clipByValue(this.lambda, 0, 1).arraySync() as number[][]);
  }

  /** Raw λ [T, 1|L] as a kept tensor under `name`. */
  named(name: string): NamedTensor {
    return { name, shape: [...this.lambda.shape], values: this.lambda.dataSync().slice() as Float32Array };
  }

  toJSON(): CoefficientsJson {
    return {
      format: 'mergelab-coefficients', version: 1, granularity: this.granularity, plus: this.plus, tasks: [...this.tasks],
      ...(this.granularity === 'layer' ? { tensors: this.specs.map((s) => s.name) } : {}),
      lambda: this.lambda.arraySync() as number[][],
    };
  }

  /** Loads exported or published coefficients (coefficients-json.ts formats) of this model's granularity. Throws a typed error naming what does not fit. */
  load(json: unknown): void {
    const names = this.specs.map((s) => s.name);
    const c = parseCoefficients(json, this.tasks, names);
    if (c.granularity !== this.granularity) throw new CoefficientsError(`they are ${c.granularity}-wise, this model is ${this.granularity}-wise`, this.tasks, names.length);
    tf.tidy(() => this.lambda.assign(tf.tensor2d(c.lambda)));
  }

  dispose(): void {
    tf.dispose(this.ownsInputs ? [this.lambda, ...this.base, ...this.taus] : [this.lambda]);
  }
}

/**
 * The pretrained model's tensors that at least one expert stores — the ones that can carry a
 * merge coefficient before any weight is read (an expert without visual_projection contributes
 * τ = 0 there, merge/pool-reader.ts). The trained count (liveTensors) can only be lower: it also
 * drops tensors every expert left unchanged.
 */
export function coefficientTensorCount(pretrained: Checkpoint, experts: readonly Checkpoint[]): number {
  const stored = new Set(experts.flatMap((e) => e.params.map((p) => p.name)));
  return pretrained.params.filter((p) => stored.has(p.name)).length;
}

/** T arrays [n] → [T, n]. */
function stack(rows: readonly Float32Array[], T: number): tf.Tensor2D {
  const n = rows[0].length;
  const out = new Float32Array(T * n);
  rows.forEach((r, t) => out.set(r, t * n));
  return tf.tensor2d(out, [T, n]);
}
