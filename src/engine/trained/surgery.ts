/**
 * Representation Surgery — "Representation Surgery for Multi-Task Model Merging" (Yang et al.,
 * ICML 2024, arXiv:2402.02705). Per task a module on the final feature z (unnormalised):
 * ẑ = z − Ut·ReLU(Dt·z), Dt [r, P] kaiming-uniform (a = √5, i.e. U(±1/√P)), Ut [P, r] = 0, so it
 * starts as the identity. Loss: L1 between ẑt and the individual model's feature (detached) on
 * task t's test images. Adam, each iteration visits the tasks in order with 2 shuffled batches of
 * 16 and steps after each batch (2·T steps per iteration).
 * Merge and inputs are frozen, so it trains on CACHED pairs (z_merged, z_individual): no forward
 * pass of any tower while training. No deviation from the paper.
 * A step is tiny ([16, P]·[P, r] products, 2·P·r parameters), so step() computes the loss, its
 * gradient (written out below) and the Adam update on the host in plain loops (HostAdam, the
 * same float32 update as train/adam.ts): about 60 tfjs kernels and a gradient tape per step cost
 * far more than the arithmetic on any backend. The loops run along P over contiguous rows (U read
 * transposed), only over the hidden units the ReLU lets through, and in WebAssembly SIMD where the
 * engine has it (wasm/surgery.wat, four float32 lanes). The variables stay the modules' home: step() keeps a
 * host copy per task, re-read whenever a variable was assigned from outside, and assigns the
 * updated values back after each step.
 * Kept tensors (modules()): "surgery.<task>.down" [r, P] and "surgery.<task>.up" [P, r] per task.
 * Its representations (outputs()) are the base merge's CLS tokens (Surgery edits only z) with ẑ.
 */
import * as tf from '@tensorflow/tfjs';
import type { Representations } from '../eval/bias';
import type { ClassificationHead } from '../model/heads';
import type { Rng } from '../random';
import { HostAdam } from '../train/adam-host';
import { BatchSampler } from '../train/data';
import { surgery } from '../catalogue/trained/surgery';
import { requireBase } from './base';
import { SurgerySimd } from './surgery-simd';
import { finalOutputs, predictFrozen } from './losses';
import type { FinalOutputs, NamedTensor, TrainedImplementation, TrainedModel, TrainedParams } from './types';

const BATCH = 16;


/** Σ_p x[xo + p]·y[yo + p] over n terms in float64, in four interleaved partial sums (no loop-carried wait on one sum). */
function dotAt(x: Float32Array | Float64Array, xo: number, y: Float32Array, yo: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let p = 0;
  for (; p + 3 < n; p += 4) {
    s0 += x[xo + p] * y[yo + p];
    s1 += x[xo + p + 1] * y[yo + p + 1];
    s2 += x[xo + p + 2] * y[yo + p + 2];
    s3 += x[xo + p + 3] * y[yo + p + 3];
  }
  for (; p < n; p++) s0 += x[xo + p] * y[yo + p];
  return (s0 + s1) + (s2 + s3);
}

/** One batch's Σ|ẑ − y| and its gradients ∂L/∂D [r, P] and ∂L/∂Uᵀ [r, P] (L = that sum × scale). */
interface Loops { loss: number; gD: ArrayLike<number>; gUt: ArrayLike<number> }

/**
 * The step's loops in plain JavaScript (where WebAssembly SIMD is missing, or P is not a multiple
 * of 4), along P over contiguous rows and only over the hidden units the ReLU lets through; sums in
 * float64.
 */
function hostLoops(merged: Float32Array, individual: Float32Array, idx: ArrayLike<number>, D: Float32Array, Ut: Float32Array, r: number, P: number, scale: number): Loops {
  const a = new Float64Array(r); // z·Dᵀ; on the active k it is h = ReLU(a)
  const active = new Int32Array(r); // the k with a[k] > 0, ascending: only they reach ẑ, ∂L/∂U and ∂L/∂D
  const s = new Float64Array(P); // h·Uᵀ for one image
  const g = new Float64Array(P); // −∂L/∂ẑ for one image
  const gUt = new Float64Array(r * P);
  const gD = new Float64Array(r * P);
  let loss = 0;
  for (let b = 0; b < idx.length; b++) {
    const zo = idx[b] * P;
    let nA = 0;
    for (let k = 0; k < r; k++) {
      a[k] = dotAt(merged, zo, D, k * P, P);
      if (a[k] > 0) active[nA++] = k;
    }
    s.fill(0);
    for (let j = 0; j < nA; j++) {
      const ak = a[active[j]], o = active[j] * P;
      for (let p = 0; p < P; p++) s[p] += ak * Ut[o + p];
    }
    for (let p = 0; p < P; p++) {
      const d = Math.fround(merged[zo + p] - Math.fround(s[p])) - individual[zo + p];
      loss += Math.abs(d);
      g[p] = d > 0 ? -scale : d < 0 ? scale : 0;
    }
    for (let j = 0; j < nA; j++) {
      const k = active[j], ak = a[k], o = k * P;
      for (let p = 0; p < P; p++) gUt[o + p] += g[p] * ak;
      const dh = dotAt(g, 0, Ut, o, P); // ∂L/∂h[k]
      for (let p = 0; p < P; p++) gD[o + p] += dh * merged[zo + p];
    }
  }
  return { loss, gD, gUt };
}

/** A task's cached features: merged z and the individual model's z, [N, P] each. */
export interface SurgeryTask {
  name: string;
  head: ClassificationHead;
  n: number;
  merged: Float32Array;
  individual: Float32Array;
  /** The base merge's representations of the first m ≤ n images (CLS after every block, L + 1 arrays [m, D]), for outputs(); optional. */
  baseHidden?: Representations;
}

export class SurgeryModel implements TrainedModel {
  readonly totalSteps: number;
  /** Per task: down [r, P], up [P, r]. */
  readonly down: tf.Variable<tf.Rank.R2>[];
  readonly up: tf.Variable<tf.Rank.R2>[];
  private readonly opt: HostAdam<tf.Variable>;
  /** Per task: host copies of down and up, with the variables' dataIds they mirror (a new dataId: assigned from outside, read again). */
  private readonly host: ({ down: Float32Array; up: Float32Array; ids: [object, object] } | undefined)[] = [];
  private readonly samplers: BatchSampler[];
  private readonly P: number;
  /** The step's loops in WebAssembly SIMD; null: the JavaScript loops (hostLoops). */
  private readonly simd: SurgerySimd | null;

  constructor(private readonly tasks: readonly SurgeryTask[], readonly params: TrainedParams, private readonly logitScale: number, rng: Rng, opts: { simd?: boolean } = {}) {
    this.P = tasks[0].head.dim;
    const r = params.rank as number;
    this.simd = opts.simd === false ? null : SurgerySimd.create(BATCH, this.P, r);
    const bound = 1 / Math.sqrt(this.P);
    // tidy frees the initial values (a variable keeps its own reference to the data).
    this.down = tasks.map(() => tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from({ length: r * this.P }, () => (2 * rng.next() - 1) * bound), [r, this.P]))));
    this.up = tasks.map(() => tf.tidy(() => tf.variable(tf.zeros<tf.Rank.R2>([this.P, r]))));
    this.samplers = tasks.map((t) => new BatchSampler(t.n, rng.fork()));
    this.opt = new HostAdam(params.lr as number);
    this.totalSteps = surgery.totalSteps(params, tasks.length);
  }

  /** ẑ = z − ReLU(z·Dᵀ)·Uᵀ for task t: z [B, P] → [B, P]. */
  apply(t: number, z: tf.Tensor2D): tf.Tensor2D {
    return tf.sub(z, tf.matMul(tf.relu(tf.matMul(z, this.down[t], false, true)), this.up[t], false, true)); // [B, r] → [B, P]
  }

  /**
   * Step i: task ⌊(i mod 2T)/2⌋, the next batch of 16 of its cached pairs. With a = z·Dᵀ [B, r],
   * h = ReLU(a), ẑ = z − h·Uᵀ and L = mean|ẑ − y| over the B·P entries, G = sign(ẑ − y)/(B·P):
   * ∂L/∂U = −Gᵀ·h [P, r], ∂L/∂h = −G·U [B, r], ∂L/∂D = (∂L/∂h ⊙ [a > 0])ᵀ·z [r, P]
   * (sign 0 at 0 and ReLU's derivative 0 at 0, as PyTorch takes them; tfjs's abs would take −1
   * at 0, i.e. where a cached pair already agrees). The loops run in WebAssembly SIMD
   * (surgery-simd.ts: float32 lanes) where it is available and P is a multiple of 4, else in
   * JavaScript (hostLoops: float64 sums).
   */
  async step(i: number): Promise<number> {
    const t = Math.floor((i % (2 * this.tasks.length)) / 2);
    const { merged, individual } = this.tasks[t];
    const idx = this.samplers[t].next(BATCH);
    const [P, B] = [this.P, idx.length];
    const dv = this.down[t], uv = this.up[t];
    const r = dv.shape[0];
    let host = this.host[t];
    if (!host || host.ids[0] !== dv.dataId || host.ids[1] !== uv.dataId) {
      host = { down: (await dv.data()).slice() as Float32Array, up: (await uv.data()).slice() as Float32Array, ids: [dv.dataId, uv.dataId] };
      this.host[t] = host;
    }
    const { down: D, up: U } = host;
    const Ut = new Float32Array(r * P); // U transposed: every loop runs along P over contiguous rows
    for (let p = 0; p < P; p++) for (let k = 0; k < r; k++) Ut[k * P + p] = U[p * r + k];
    const scale = 1 / (B * P);
    const { loss, gD, gUt } = this.simd ? this.simdLoops(merged, individual, idx, D, Ut, scale) : hostLoops(merged, individual, idx, D, Ut, r, P, scale);
    const gU = new Float32Array(P * r);
    for (let k = 0; k < r; k++) for (let p = 0; p < P; p++) gU[p * r + k] = gUt[k * P + p];
    this.opt.apply(dv, D, gD);
    this.opt.apply(uv, U, gU);
    // Copies: tfjs may keep a typed array it is given (the CPU backend does, WebGL until it uploads), and D, U change in place.
    tf.tidy(() => { dv.assign(tf.tensor2d(D.slice(), [r, P])); uv.assign(tf.tensor2d(U.slice(), [P, r])); });
    host.ids = [dv.dataId, uv.dataId];
    return Math.fround(loss / (B * P));
  }

  /** The batch's loss sum and gradients by the SIMD kernel: the batch's rows, D and Uᵀ copied into its memory. */
  private simdLoops(merged: Float32Array, individual: Float32Array, idx: ArrayLike<number>, D: Float32Array, Ut: Float32Array, scale: number): Loops {
    const k = this.simd!;
    const P = this.P;
    for (let b = 0; b < idx.length; b++) {
      k.z.set(merged.subarray(idx[b] * P, idx[b] * P + P), b * P);
      k.y.set(individual.subarray(idx[b] * P, idx[b] * P + P), b * P);
    }
    k.D.set(D);
    k.Ut.set(Ut);
    const loss = k.step(idx.length, scale);
    return { loss, gD: k.gD, gUt: k.gUt };
  }

  /** Corrected features ẑ of task t's cached merged features, [N, P]. */
  async corrected(t: number): Promise<Float32Array> {
    const task = this.tasks[t];
    const z = tf.tidy(() => this.apply(t, tf.tensor2d(task.merged, [task.n, this.P])));
    try {
      return await z.data() as Float32Array;
    } finally {
      z.dispose();
    }
  }

  async predict(task: string): Promise<Int32Array> {
    return (await this.outputs(task, 0)).predictions;
  }

  /** ẑ [n, P] and its predictions; hidden: the base's CLS of the first min(n, hiddenImages, m) images with their ẑ (needs baseHidden). */
  async outputs(task: string, hiddenImages: number): Promise<FinalOutputs> {
    const t = this.tasks.findIndex((x) => x.name === task);
    const { n, head, baseHidden } = this.tasks[t];
    const z = await this.corrected(t);
    const predictions = predictFrozen(z, n, head, this.logitScale);
    const m = baseHidden?.cls ? Math.min(hiddenImages, n, baseHidden.n) : 0;
    if (m === 0) return finalOutputs(n, z, predictions, null, 1);
    const D = baseHidden!.cls![0].length / baseHidden!.n;
    return finalOutputs(n, z, predictions, baseHidden!.cls!.map((c) => c.slice(0, m * D)), D);
  }

  async modules(): Promise<NamedTensor[]> {
    const read = async (v: tf.Tensor) => (await v.data() as Float32Array).slice();
    return (await Promise.all(this.tasks.map(async (task, t) => [
      { name: `surgery.${task.name}.down`, shape: this.down[t].shape, values: await read(this.down[t]) },
      { name: `surgery.${task.name}.up`, shape: this.up[t].shape, values: await read(this.up[t]) },
    ]))).flat();
  }

  dispose(): void {
    this.opt.dispose();
    tf.dispose([...this.down, ...this.up]);
  }
}

/** Surgery on the base merge's cached features (merged z, and the base's representations when kept) against the experts'. */
export const surgeryMethod: TrainedImplementation = {
  descriptor: surgery,
  async build(ctx, p) {
    const base = requireBase(ctx, surgery.id);
    const inds = await ctx.individual();
    const model = { key: base.key, params: base.weights };
    const merged = await Promise.all(ctx.names.map((_, t) => ctx.frozenFeatures(model, t)));
    const hidden = ctx.hiddenImages > 0 ? await Promise.all(ctx.names.map((_, t) => ctx.frozenHidden(model, t))) : null;
    const tasks = ctx.names.map((n, t) => ({ name: n, head: ctx.heads[t], n: merged[t].n, merged: merged[t].z, individual: inds[t].z, baseHidden: hidden?.[t] }));
    return new SurgeryModel(tasks, p, ctx.logitScale, ctx.rng);
  },
};
