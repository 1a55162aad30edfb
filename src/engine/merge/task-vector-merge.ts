/**
 * The generalised task-arithmetic routine behind every closed-form method (types.ts MergePlan):
 * per tensor and task τt = θt − θ0 → optional DARE drop/rescale → optional trim (global top-k per
 * task) → Σt or TIES sign election + disjoint merge → optional TALL/consensus mask → θ0 + scale·m.
 *
 * It streams: one canonical tensor of every model at a time. Global statistics take scan passes
 * first (prepare): the exact per-task trim thresholds (1–2 histogram passes, magnitude-select.ts)
 * and TIES's model-wide majority sign (one more pass). Then merged(i) builds tensor i.
 */
import { CancelledError, MergelabError } from '../errors';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { numel } from '../io/safetensors';
import { applyScale, consensusFilter, dareDrop, disjointMerge, keptSum, selectedEntries, signSum, tallMask, taskArithmetic, taskVector } from './kernels';
import { MagnitudeSelector } from './magnitude-select';
import { PoolReader, type TensorInputs } from './pool-reader';
import { dareRng, isLinearWeight } from './dare-rng';
import type { MergePlan } from './types';

export type MergeStage = 'scan' | 'merge' | 'write';

export interface MergeProgress {
  stage: MergeStage;
  /** 1-based pass over the inputs, of `passes` (scan passes, then the merge pass). */
  pass: number;
  passes: number;
  /** Tensors done in this pass, of `tensors`. */
  tensor: number;
  tensors: number;
  /** Stored bytes read so far over all passes, of `bytesTotal`. */
  bytesRead: number;
  bytesTotal: number;
}

export interface MergeRunOptions {
  /** Checked between tensors; when set, the run throws CancelledError. */
  signal?: { readonly aborted: boolean };
  onProgress?: (p: MergeProgress) => void;
}

export class TaskVectorMerge {
  readonly reader: PoolReader;
  /** Per task: threshold bits of the trim (0 keeps everything). */
  private thresholds: number[];
  /** Model-wide Σ sign(S): the majority sign TIES gives to exact-zero elections. */
  private majority = 0;
  private pass = 0;
  private passes: number;
  private readonly taus: Float32Array[];
  private readonly acc: Float64Array;
  private readonly merged64: Float64Array;
  private readonly count: Uint16Array;
  private readonly mask: Uint8Array;

  constructor(pretrained: Checkpoint, experts: readonly Checkpoint[], readonly plan: MergePlan, private readonly opts: MergeRunOptions = {}) {
    if (experts.length === 0) throw new MergelabError('usage', 'a merge needs at least one expert.', 'Add the fine-tuned checkpoints to merge.');
    this.reader = new PoolReader(pretrained, experts);
    this.thresholds = experts.map(() => 0);
    this.passes = 1 + (plan.trim ? 2 : 0) + (plan.combine.kind === 'ties' ? 1 : 0);
    const n = this.reader.maxNumel;
    const general = !this.isPlainSum;
    this.taus = general ? experts.map(() => new Float32Array(n)) : [];
    this.acc = new Float64Array(n);
    this.merged64 = new Float64Array(general && plan.combine.kind === 'ties' ? n : 0);
    this.count = new Uint16Array(general ? n : 0);
    this.mask = new Uint8Array(plan.consensus ? n : 0);
  }

  get tasks(): number {
    return this.reader.experts.length;
  }

  /** Task Arithmetic or averaging: no per-task work, the fast path. */
  private get isPlainSum(): boolean {
    return !this.plan.dare && !this.plan.trim && !this.plan.consensus && this.plan.combine.kind === 'sum';
  }

  private get scale(): number {
    return this.plan.scale === 'mean' ? 1 / this.tasks : this.plan.scale;
  }

  /** Runs the scan passes the plan needs (none for TA/averaging/DARE-TA/consensus-TA). */
  async prepare(): Promise<void> {
    if (this.plan.trim) {
      const sel = this.reader.experts.map(() => new MagnitudeSelector(this.plan.trim!.k));
      await this.scan((taus) => taus.forEach((tau, t) => sel[t].addCoarse(tau)));
      const fine = sel.map((s) => s.needsFinePass());
      if (fine.some(Boolean)) await this.scan((taus) => taus.forEach((tau, t) => fine[t] && sel[t].addFine(tau)));
      else this.passes--;
      this.thresholds = sel.map((s) => s.thresholdBits());
    }
    if (this.plan.combine.kind === 'ties') {
      let g = 0;
      await this.scan((taus, n) => {
        keptSum(this.acc, taus, this.thresholds, n);
        g += signSum(this.acc, n);
      });
      this.majority = Math.sign(g);
    }
  }

  /** The merged values of canonical tensor i (a fresh array the caller owns). */
  async merged(i: number): Promise<Float32Array> {
    if (i === 0) this.startPass();
    const x = await this.readTensor(i, 'merge');
    const n = x.base.length;
    const out = new Float32Array(n);
    if (this.isPlainSum) {
      const bad = taskArithmetic(out, x.base, x.experts, this.scale, this.acc);
      if (bad >= 0) throw this.nonFinite(x, bad);
    } else {
      const m = this.combine(x);
      if (this.plan.consensus) consensusFilter(m, this.taus, this.plan.consensus.lambdaT, this.plan.consensus.k, this.mask, this.count, n);
      applyScale(out, x.base, m, this.scale);
    }
    this.progress('merge', i + 1);
    return out;
  }

  /** TIES selected entries of tensor i, one array [n] per task (needs a 'ties' plan, prepared). */
  async selected(i: number): Promise<Float32Array[]> {
    if (this.plan.combine.kind !== 'ties') throw new Error('selected entries need a TIES plan');
    const x = await this.readTensor(i, 'merge');
    const n = x.base.length;
    this.taskVectors(x);
    keptSum(this.acc, this.taus, this.thresholds, n);
    return this.reader.experts.map((_, t) => {
      const out = new Float32Array(n);
      selectedEntries(out, this.taus[t].subarray(0, n), this.thresholds[t], this.acc, this.majority);
      return out;
    });
  }

  /** Tensor i of task t's retrieved model θ0 + mt ⊙ τ_MTL (TALL mask; needs a consensus plan). */
  async retrieved(i: number, t: number): Promise<Float32Array> {
    if (!this.plan.consensus) throw new Error('retrieved models need a consensus plan');
    const x = await this.readTensor(i, 'merge');
    const n = x.base.length;
    const m = this.combine(x);
    tallMask(this.mask, this.taus[t], m, this.plan.consensus.lambdaT, n);
    for (let j = 0; j < n; j++) if (!this.mask[j]) m[j] = 0;
    const out = new Float32Array(n);
    applyScale(out, x.base, m, 1);
    return out;
  }

  /** τ_MTL of tensor x before scaling: Σt kept τt, or the TIES disjoint merge. Fills this.taus. */
  private combine(x: TensorInputs): Float64Array {
    const n = x.base.length;
    this.taskVectors(x);
    keptSum(this.acc, this.taus, this.thresholds, n);
    if (this.plan.combine.kind === 'sum') return this.acc.subarray(0, n);
    disjointMerge(this.merged64, this.acc, this.taus, this.thresholds, this.majority, this.plan.combine.aggregate, this.count, n);
    return this.merged64.subarray(0, n);
  }

  private async scan(fn: (taus: Float32Array[], n: number) => void): Promise<void> {
    this.startPass();
    for (let i = 0; i < this.reader.specs.length; i++) {
      const x = await this.readTensor(i, 'scan');
      this.taskVectors(x);
      fn(this.taus.map((a) => a.subarray(0, x.base.length)), x.base.length);
      this.progress('scan', i + 1);
    }
  }

  private startPass(): void {
    this.pass++;
    this.progress(this.pass < this.passes ? 'scan' : 'merge', 0);
  }

  private async readTensor(i: number, stage: MergeStage): Promise<TensorInputs> {
    if (this.opts.signal?.aborted) throw new CancelledError(stage === 'scan' ? 'merge (while scanning)' : 'merge');
    const x = await this.reader.read(i);
    this.reader.observe(x);
    return x;
  }

  /** Fills this.taus with the (DARE-dropped) task vectors of x; throws on NaN/Inf. */
  private taskVectors(x: TensorInputs): void {
    const n = x.base.length;
    const dare = this.plan.dare;
    const drop = dare && (dare.scope === 'all' || isLinearWeight(x.spec.name));
    x.experts.forEach((theta, t) => {
      const tau = this.taus[t].subarray(0, n);
      const bad = taskVector(tau, theta, x.base);
      if (bad >= 0) throw this.nonFinite(x, bad);
      if (drop) dareDrop(tau, dare.p, dare.rescale, dareRng(dare.seed, t, x.index));
    });
  }

  /** The error for a non-finite value at element j of tensor x, naming the model that has it. */
  private nonFinite(x: TensorInputs, j: number): MergelabError {
    const models: [Checkpoint, Float32Array][] = [[this.reader.pretrained, x.base], ...x.experts.map((v, t): [Checkpoint, Float32Array] => [this.reader.experts[t], v])];
    const found = models.find(([, v]) => !Number.isFinite(v[j]));
    if (!found) {
      return new MergelabError('non-finite', `Merging overflows float32 in tensor "${x.spec.name}" at element ${j}.`, 'The weights are too large for this merge; lower λ or check the checkpoints.');
    }
    const [ck, v] = found;
    let bad = 0;
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) bad++;
    return new MergelabError('non-finite', `model "${ck.name}": tensor "${x.spec.name}" contains ${v[j]} at element ${j} (${bad} non-finite value${bad === 1 ? '' : 's'} of ${numel(x.spec.shape)} in this tensor).`,
      'The checkpoint is corrupt or its fine-tuning diverged: re-export or re-download it, or leave it out of the pool.');
  }

  /** Where the run stands (stage as given; tensor = all of them for 'write'). */
  progressNow(stage: MergeStage, tensor = this.reader.specs.length): MergeProgress {
    return {
      stage, pass: this.pass, passes: this.passes, tensor, tensors: this.reader.specs.length,
      bytesRead: this.reader.bytesRead, bytesTotal: this.passes * this.reader.passBytes,
    };
  }

  private progress(stage: MergeStage, tensor: number): void {
    this.opts.onProgress?.(this.progressNow(stage, tensor));
  }
}
