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
 * Memory plan: θ0 and the T task vectors are held once, as JS arrays outside the tfjs heap
 * (task-vectors.ts: float32, or scaled halves above 1 GiB of task vectors — ViT-B/32 × 8 tasks:
 * 0.35 GB + 1.4 GB). A step never builds the whole merged tower: mergedAt(l) uploads θ0(l) and
 * τ(l) (in column ranges of at most 2^20, merge-columns.ts, for WebGPU's limits) and merges one
 * tensor for the section that runs (train/tower-grad.ts), and the gradient
 * ∂L/∂θ(l) is reduced to its column ⟨τt(l), ∂L/∂θ(l)⟩ (gradColumn) as soon as its section's backward
 * is done, then freed. merged()/lambdaGrad() do the same for the whole tower at once (evaluation,
 * the small models, the tests' one-tape reference).
 */
import * as tf from '@tensorflow/tfjs';
import type { Checkpoint, ParamSpec } from '../model/clip-vit/checkpoint';
import { openMerge } from '../merge/open-merge';
import { PoolReader } from '../merge/pool-reader';
import type { ParamMap } from '../params/param-map';
import { CoefficientsError, type CoefficientsJson, type Granularity, parseCoefficients } from './coefficients-json';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import type { ForwardHooks } from '../model/clip-vit/forward';
import { type Section, inSection, towerGrad } from '../train/tower-grad';
import { columnRanges } from './merge-columns';
import { TaskVectors } from './task-vectors';
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
    /** θ0(l) and τ(l) [T, n_l], held once outside the tfjs heap. */
    readonly store: TaskVectors,
    init: number | tf.Tensor2D,
    /** Tensors l with some τt(l) ≠ 0: the ones whose coefficients do something. */
    readonly liveTensors: number,
  ) {
    const T = tasks.length;
    this.lambda = tf.tidy(() => tf.variable(typeof init === 'number' ? tf.fill([T, granularity === 'task' ? 1 : specs.length], init) : init.clone(), true)) as tf.Variable<tf.Rank.R2>;
  }

  /** Reads θ0 and the T task vectors tensor by tensor (streaming the files); `f16Above` as in TaskVectors. */
  static async fromPool(pretrained: Checkpoint, experts: readonly Checkpoint[], tasks: readonly string[], opts: CoefficientOptions & { f16Above?: number }): Promise<MergeCoefficients> {
    const specs = pretrained.params;
    const store = new TaskVectors(specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0), experts.length, opts.f16Above);
    if (opts.plus) {
      const { merge } = await openMerge({ pretrained, experts, method: 'ties', params: { k: opts.plus.k } });
      for (let i = 0; i < specs.length; i++) {
        const sel = await merge.selected(i);
        store.push((await merge.reader.read(i)).base.slice(), sel);
      }
    } else {
      const reader = new PoolReader(pretrained, experts);
      for (let i = 0; i < specs.length; i++) {
        const x = await reader.read(i);
        store.push(x.base, x.experts.map((v) => v.map((e, j) => e - x.base[j])));
      }
    }
    const live = specs.filter((_, l) => store.live(l)).length;
    return new MergeCoefficients(specs, tasks, opts.granularity, !!opts.plus, store, opts.init ?? 0.3, live);
  }

  /** Number of coefficients that do something: T (task-wise) or T × liveTensors (layer-wise). */
  get size(): number {
    return this.tasks.length * (this.granularity === 'task' ? 1 : this.liveTensors);
  }

  /**
   * Layer-wise coefficients over the same θ0 and task vectors, starting from this λ (a task-wise
   * λt is broadcast to every tensor): Model Tinting's continuation of an AdaMerging base
   * (arXiv 2412.19098 §3 trains layer-wise coefficients). The copy shares θ0 and τ (plain arrays)
   * and has its own λ variable.
   */
  layerWise(): MergeCoefficients {
    const L = this.specs.length;
    const start = tf.tidy(() => (this.granularity === 'task' ? tf.tile(this.lambda, [1, L]) : this.lambda.clone()) as tf.Tensor2D); // [T, L]
    try {
      return new MergeCoefficients(this.specs, this.tasks, 'layer', this.plus, this.store, start, this.liveTensors);
    } finally {
      start.dispose();
    }
  }

  /** Merged tensors θ(l) for the current λ, in spec order (caller disposes; fine inside tf.tidy). */
  merged(): tf.Tensor[] {
    return this.specs.map((_, l) => this.mergedAt(l));
  }

  /**
   * θ(l) = θ0(l) + Σt clamp(λt(l), 0, 1)·τt(l) for one tensor, in its own shape (caller disposes):
   * [1, T]·[T, k] products over column ranges that fit WebGPU's dispatch and buffer limits
   * (merge-columns.ts; one range below 2^20 entries, i.e. every tensor of the small models).
   */
  mergedAt(l: number): tf.Tensor {
    return tf.tidy(() => {
      const c = tf.clipByValue(this.lambda, 0, 1); // [T, 1|L]
      const col = this.granularity === 'task' ? c : tf.slice(c, [0, l], [-1, 1]); // [T, 1]
      const merge = (a: number, b: number, shape: readonly number[]) => tf.add(this.store.baseTensor(l, shape, a, b), tf.reshape(tf.matMul(col, this.store.tauTensor(l, a, b), true, false), [...shape])); // θ0 + [1, T]·[T, k]
      const shape = this.specs[l].shape;
      const ranges = columnRanges(this.store.base[l].length, this.tasks.length);
      if (ranges.length === 1) return merge(0, this.store.base[l].length, shape);
      return tf.reshape(tf.concat(ranges.map(([a, b]) => tf.tidy(() => merge(a, b, [b - a])))), [...shape]);
    });
  }

  /** The merged model as a ParamMap (caller disposes its tensors). */
  mergedMap(): ParamMap {
    const m = this.merged();
    return new Map(this.specs.map((s, l) => [s.name, m[l]]));
  }

  /** ⟨τt(l), g(l)⟩ for every task: tensor l's column [T, 1] of the unmasked ∂L/∂λ (caller disposes). */
  gradColumn(l: number, g: tf.Tensor): tf.Tensor2D {
    // One task row at a time: [1, n]·[n, 1] per task, so no [T, n] block is uploaded next to a block's gradients.
    return tf.tidy(() => {
      const gv = tf.reshape(g, [-1, 1]); // [n, 1]
      return tf.concat(this.tasks.map((_, t) => tf.tidy(() => tf.matMul(tf.tensor2d(this.store.tauRow(l, t), [1, gv.shape[0]]), gv))), 0) as tf.Tensor2D; // [T, 1]
    });
  }

  /** ∂L/∂λ [T, 1|L] from the L columns of gradColumn (spec order): summed for task-wise, zero where λ ∉ [0, 1]. */
  lambdaGradFromColumns(cols: readonly tf.Tensor2D[]): tf.Tensor2D {
    return tf.tidy(() => {
      const full = tf.concat([...cols], 1); // [T, L]
      const g = this.granularity === 'task' ? tf.sum(full, 1, true) : full;
      const inside = tf.logicalAnd(tf.greaterEqual(this.lambda, 0), tf.lessEqual(this.lambda, 1));
      return tf.where(inside, g, tf.zerosLike(g)) as tf.Tensor2D;
    });
  }

  /** ∂L/∂λ [T, 1|L] from ∂L/∂θ(l) (spec order) by the shortcut, zero where λ ∉ [0, 1]. */
  lambdaGrad(gMerged: readonly tf.Tensor[]): tf.Tensor2D {
    return tf.tidy(() => this.lambdaGradFromColumns(gMerged.map((g, l) => this.gradColumn(l, g))));
  }

  /**
   * One backward pass through the merged tower for the current λ, section by section
   * (train/tower-grad.ts): each section's merged tensors are built from λ when it runs, and
   * ⟨τt(l), ∂L/∂θ(l)⟩ is added into cols[l] ([T, 1], created at first use) before ∂L/∂θ(l) is
   * freed. `adjust` may replace a merged tensor by one derived from it (Tinting's fc2 offset);
   * `tap` sees every ∂L/∂θ(l) first (it must clone what it keeps). Returns the loss and the extra
   * tensors' gradients (caller disposes).
   */
  towerGrad(config: ClipVisionConfig, pixels: tf.Tensor4D, cols: (tf.Tensor2D | null)[], o: {
    loss(out: { pooled: tf.Tensor2D; embeds: tf.Tensor2D | null }, extra: readonly tf.Tensor[]): tf.Scalar;
    extra?: readonly tf.Tensor[];
    hooks?(extra: readonly tf.Tensor[]): ForwardHooks;
    adjust?(name: string, merged: tf.Tensor): tf.Tensor;
    tap?(l: number, g: tf.Tensor): void;
  }): { value: tf.Scalar; extraGrads: tf.Tensor[] } {
    const index = new Map(this.specs.map((s, l) => [s.name, l]));
    const names = (s: Section) => this.specs.filter((p) => inSection(p.name, s)).map((p) => p.name);
    return towerGrad({
      config, pixels, names, extra: o.extra, hooks: o.hooks, loss: o.loss,
      weights: (s) => names(s).map((n) => {
        const m = this.mergedAt(index.get(n)!);
        if (!o.adjust) return m;
        const a = o.adjust(n, m);
        if (a !== m) m.dispose();
        return a;
      }),
      onGrads: (_, ns, grads) => ns.forEach((n, k) => {
        const l = index.get(n)!;
        o.tap?.(l, grads[k]);
        const c = this.gradColumn(l, grads[k]);
        const prev = cols[l];
        cols[l] = prev ? tf.tidy(() => tf.add<tf.Tensor2D>(prev, c)) : c;
        if (prev) { prev.dispose(); c.dispose(); }
      }),
    });
  }

  /** ∂L/∂λ from the columns accumulated by towerGrad (a tensor no section holds gets 0); disposes the columns. */
  lambdaGradFromAccumulated(cols: readonly (tf.Tensor2D | null)[]): tf.Tensor2D {
    const T = this.tasks.length;
    const full = cols.map((c) => c ?? tf.zeros([T, 1]) as tf.Tensor2D);
    try {
      return this.lambdaGradFromColumns(full);
    } finally {
      tf.dispose(full);
    }
  }

  // The reads below are asynchronous: a synchronous read (dataSync/arraySync) lost the WebGPU device in headless Chromium ("Device was destroyed").

  /** Clamped λ as plain numbers, [T][1|L]. */
  async clamped(): Promise<number[][]> {
    const c = tf.clipByValue(this.lambda, 0, 1);
    try {
      return await c.array() as number[][];
    } finally {
      c.dispose();
    }
  }

  /** Raw λ [T, 1|L] as a kept tensor under `name`. */
  async named(name: string): Promise<NamedTensor> {
    return { name, shape: [...this.lambda.shape], values: (await this.lambda.data() as Float32Array).slice() };
  }

  /** The raw λ in the coefficients JSON format (coefficients-json.ts). */
  async json(): Promise<CoefficientsJson> {
    return {
      format: 'mergelab-coefficients', version: 1, granularity: this.granularity, plus: this.plus, tasks: [...this.tasks],
      ...(this.granularity === 'layer' ? { tensors: this.specs.map((s) => s.name) } : {}),
      lambda: await this.lambda.array() as number[][],
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
    this.lambda.dispose();
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
