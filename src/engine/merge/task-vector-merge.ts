/**
 * The generalised task-arithmetic routine behind every closed-form method (types.ts MergePlan):
 * per tensor and task τt = θt − θ0 → optional DARE drop/rescale → optional trim (global top-k per
 * task) → Σt or TIES sign election + disjoint merge → optional TALL/consensus mask → θ0 + scale·m.
 *
 * It streams: one canonical tensor of every model at a time. Global statistics take scan passes
 * first (prepare): the exact per-task trim thresholds (two histogram passes, magnitude-select.ts)
 * and TIES's model-wide majority sign (summed during the second, majority-sign.ts). Then
 * merged(i) builds tensor i. A caller that takes the whole model in order (mergeStream,
 * mergeInMemory) can let TIES skip the second scan (opts.deferBytes): its merge pass settles the
 * few entries that need the exact thresholds or the sign afterwards, holding that pass's output
 * (deferred-ties.ts).
 * Each tensor is processed in chunks of CHUNK entries so the per-task scratch stays in cache.
 * The hot chunk kernels run in WebAssembly SIMD where the engine has it (simd-kernels.ts, bit for
 * bit the JavaScript kernels of kernels.ts, which remain the fallback and the reference); the chunk
 * scratch then lives in the wasm memory, so the JavaScript-only steps (DARE, TALL/consensus, the
 * majority-sign bookkeeping, selected entries) work on the same arrays.
 */
import { CancelledError, MergelabError } from '../errors';
import { nonFiniteError } from './non-finite';
import type { MergeProgress, MergeRunOptions, MergeStage } from './run-options';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { applyScale, classifyDeferred, consensusFilter, dareDrop, disjointMerge, electSigns, selectedEntries, signSum, tallMask, taskArithmetic, taskVector, trimAndSum } from './kernels';
import { MagnitudeSelector } from './magnitude-select';
import { MajoritySign } from './majority-sign';
import { PoolReader, type TensorInputs } from './pool-reader';
import { SimdKernels } from './simd-kernels';
import { dareSeed, isLinearWeight } from './dare-rng';
import { DeferredTies } from './deferred-ties';
import { createRng, type Rng } from '../random';
import type { MergePlan } from './types';

const CHUNK = 8192;

export type { MergeProgress, MergeRunOptions, MergeStage } from './run-options';

export class TaskVectorMerge {
  readonly reader: PoolReader;
  /** Per task: threshold bits of the trim (0 keeps everything). */
  private thresholds: number[];
  /** sign(Σ sign(S)) over the whole model: the sign TIES gives to exact-zero elections. */
  private majority = 0;
  private pass = 0;
  private passes: number;
  /** Chunk scratch: τt, trimmed τt, Σ, merged, agreeing counts, elected signs, TALL mask. */
  private readonly taus: Float32Array[];
  private readonly kept: Float32Array[];
  private readonly acc: Float64Array;
  private readonly merged64: Float64Array;
  private readonly count: Uint16Array;
  private readonly mask: Uint8Array;
  private readonly pos: Uint8Array;
  /** The WebAssembly SIMD kernels, or null (not available, or opts.simd false). */
  readonly simd: SimdKernels | null;
  /** Set by prepare when TIES defers: the selectors finishing in the merge pass, their `sure` bounds. */
  private deferred: { ties: DeferredTies; sel: MagnitudeSelector[]; fine: boolean[]; sure: number[] } | null = null;
  /** Outputs of a deferred merge pass not yet taken by merged(i). */
  private held: (Float32Array | null)[] = [];

  /** @param recycle read inputs into reused buffers (pool-reader.ts): only when no caller reads through this.reader. */
  constructor(pretrained: Checkpoint, experts: readonly Checkpoint[], readonly plan: MergePlan, private readonly opts: MergeRunOptions = {}, recycle = false) {
    if (experts.length === 0) throw new MergelabError('usage', 'a merge needs at least one expert.', 'Add the fine-tuned checkpoints to merge.');
    this.reader = new PoolReader(pretrained, experts, { recycle });
    this.thresholds = experts.map(() => 0);
    // TIES: histogram, threshold + sign, merge (prepare adjusts it when the second histogram is not needed).
    this.passes = 1 + (plan.trim ? 2 : plan.combine.kind === 'ties' ? 1 : 0);
    this.simd = opts.simd === false ? null : SimdKernels.create(experts.length, CHUNK);
    this.taus = this.simd?.taus ?? experts.map(() => new Float32Array(CHUNK));
    this.kept = this.simd?.kept ?? experts.map(() => new Float32Array(CHUNK));
    this.acc = this.simd?.S ?? new Float64Array(CHUNK);
    this.pos = new Uint8Array(CHUNK);
    this.merged64 = new Float64Array(CHUNK);
    this.count = new Uint16Array(CHUNK);
    this.mask = new Uint8Array(CHUNK);
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

  /**
   * Runs the scan passes the plan needs (none for TA/averaging/DARE-TA/consensus-TA). TIES: pass 1
   * histograms |τt| per task; pass 2 makes each threshold exact and sums the majority sign on the
   * way (majority-sign.ts). A separate sign pass runs only when pass 2 is not needed. With
   * `wholeModel` (the caller then takes merged(0), merged(1), … in order), TIES without consensus
   * skips pass 2 and the sign pass when its undecided entries fit in opts.deferBytes.
   */
  async prepare(opts: { wholeModel?: boolean } = {}): Promise<void> {
    const ties = this.plan.combine.kind === 'ties';
    const budget = this.opts.deferBytes ?? 0;
    const defer = opts.wholeModel && budget > 0 && this.plan.combine.kind === 'ties' && !this.plan.consensus ? this.plan.combine.aggregate : null;
    let majority: MajoritySign | null = null;
    if (this.plan.trim) {
      const simd = this.simd;
      const sel = this.reader.experts.map((_, t) => new MagnitudeSelector(this.plan.trim!.k, simd ? { coarse: simd.coarse[t], fine: simd.fine[t] } : undefined));
      await this.scan((taus, m) => (simd ? simd.histCoarse(m) : taus.forEach((tau, t) => sel[t].addCoarse(tau, m))));
      const fine = sel.map((s) => s.needsFinePass());
      if (defer && sel.reduce((a, s) => a + s.fineEntries, 0) * DeferredTies.bytesPerEntry(this.tasks) <= budget) {
        this.deferred = { ties: new DeferredTies(this.tasks, this.scale, defer, Math.floor(budget / 12)), sel, fine, sure: sel.map((s) => s.bounds().sure) };
        this.passes = 2;
        return;
      }
      if (fine.some(Boolean)) {
        const bounds = sel.map((s) => s.bounds());
        const sure = bounds.map((b) => b.sure);
        const undecided = simd?.flags ?? this.pos; // scratch: 1 where some task's trim is undecided
        if (ties) majority = new MajoritySign();
        await this.scan((taus, m) => {
          if (majority) undecided.fill(0, 0, m);
          taus.forEach((tau, t) => {
            if (!fine[t]) return;
            if (simd) simd.histFine(t, sel[t].fineBucket, m);
            else sel[t].addFine(tau, m, majority ? undecided : undefined);
          });
          if (!majority) return;
          this.trim(sure, m);
          majority.add(this.acc, undecided, taus, bounds, m);
        });
      } else {
        this.passes--;
      }
      this.thresholds = sel.map((s) => s.thresholdBits());
    }
    if (majority) {
      this.majority = majority.resolve(this.thresholds);
    } else if (ties) {
      if (this.plan.trim) this.passes++; // the estimate counted the sign sum inside pass 2
      let g = 0;
      await this.scan((_, m) => {
        this.trim(this.thresholds, m);
        g += signSum(this.acc, m);
      });
      this.majority = Math.sign(g);
    }
  }

  /** The merged values of canonical tensor i (a fresh array the caller owns). */
  async merged(i: number): Promise<Float32Array> {
    if (this.deferred && i === 0) await this.deferredPass();
    const held = this.held[i];
    if (held) {
      this.held[i] = null;
      return held;
    }
    if (i === 0) this.startPass('merge');
    const x = await this.readTensor(i, 'merge');
    const out = new Float32Array(x.base.length);
    const rngs = this.dareRngs(x);
    const simd = this.simd;
    const plainTies = this.plan.combine.kind === 'ties' && !this.plan.consensus;
    this.chunks(x, (start, m) => {
      if (this.isPlainSum) {
        // The wasm kernel only says whether something is non-finite; the JavaScript one says where.
        if (simd && !simd.taskArithmetic(out, x.base, x.experts, this.scale, start, m)) return;
        const bad = taskArithmetic(out, x.base, x.experts, this.scale, this.acc, start, m);
        if (bad >= 0) throw nonFiniteError(this.reader, x, bad);
        return;
      }
      this.taskVectors(x, start, m, rngs);
      if (plainTies) return this.tiesChunk(out, x.base, this.thresholds, this.majority, start, m);
      const consensus = this.plan.consensus;
      if (simd && consensus && this.plan.combine.kind === 'sum') {
        this.trim(this.thresholds, m);
        return simd.consensusMerge(out, consensus.lambdaT, consensus.k, this.scale, start, m);
      }
      const mtl = this.combine(m);
      if (this.plan.consensus) consensusFilter(mtl, this.taus, this.plan.consensus.lambdaT, this.plan.consensus.k, this.mask, this.count, m);
      applyScale(out, x.base, mtl, this.scale, start, m);
    });
    this.progress('merge', i + 1);
    return out;
  }

  /** TIES selected entries of tensor i, one array [n] per task (needs a 'ties' plan, prepared). */
  async selected(i: number): Promise<Float32Array[]> {
    if (this.plan.combine.kind !== 'ties') throw new Error('selected entries need a TIES plan');
    const x = await this.readTensor(i, 'merge');
    const outs = this.reader.experts.map(() => new Float32Array(x.base.length));
    const rngs = this.dareRngs(x);
    this.chunks(x, (start, m) => {
      this.taskVectors(x, start, m, rngs);
      this.trim(this.thresholds, m);
      electSigns(this.pos, this.acc, this.majority, m);
      outs.forEach((out, t) => selectedEntries(out, this.kept[t], this.pos, start, m));
    });
    return outs;
  }

  /** Tensor i of task t's retrieved model θ0 + mt ⊙ τ_MTL (TALL mask; needs a consensus plan). */
  async retrieved(i: number, t: number): Promise<Float32Array> {
    const consensus = this.plan.consensus;
    if (!consensus) throw new Error('retrieved models need a consensus plan');
    const x = await this.readTensor(i, 'merge');
    const out = new Float32Array(x.base.length);
    const rngs = this.dareRngs(x);
    this.chunks(x, (start, m) => {
      this.taskVectors(x, start, m, rngs);
      const mtl = this.combine(m);
      tallMask(this.mask, this.taus[t], mtl, consensus.lambdaT, m);
      for (let j = 0; j < m; j++) if (!this.mask[j]) mtl[j] = 0;
      applyScale(out, x.base, mtl, 1, start, m);
    });
    return out;
  }

  /** τ_MTL of the current chunk before scaling: Σt kept τt, or the TIES disjoint merge. */
  private combine(m: number): Float64Array {
    this.trim(this.thresholds, m);
    if (this.plan.combine.kind === 'sum') return this.acc;
    electSigns(this.pos, this.acc, this.majority, m);
    disjointMerge(this.merged64, this.count, this.kept, this.pos, this.plan.combine.aggregate, m);
    return this.merged64;
  }

  /**
   * The merge pass of a deferred TIES: every tensor merged with the `sure` thresholds and G > 0
   * while pass 2's fine histograms are counted, then the recorded entries settled (deferred-ties.ts)
   * and the outputs held for merged(i). When too many cancellations were met, the exact thresholds
   * and G are kept and merged(0) runs an ordinary merge pass.
   */
  private async deferredPass(): Promise<void> {
    const { ties, sel, fine, sure } = this.deferred!;
    const simd = this.simd;
    const flags = simd?.flags ?? this.mask;
    const list = new Uint32Array(simd ? 0 : CHUNK);
    const outs: Float32Array[] = [];
    this.startPass('merge');
    for (let i = 0; i < this.reader.specs.length; i++) {
      const x = await this.readTensor(i, 'merge');
      const out = new Float32Array(x.base.length);
      const rngs = this.dareRngs(x);
      this.chunks(x, (start, m) => {
        this.taskVectors(x, start, m, rngs);
        flags.fill(0, 0, m);
        fine.forEach((f, t) => f && (simd ? simd.histFine(t, sel[t].fineBucket, m) : sel[t].addFine(this.taus[t], m, flags)));
        this.tiesChunk(out, x.base, sure, 1, start, m);
        const { listed, signs } = simd ? simd.classifyDeferred(m) : classifyDeferred(list, flags, this.acc, this.kept, m);
        ties.addChunk(i, start, simd?.list ?? list, listed, signs, flags, this.kept, this.taus, x.base);
      });
      outs.push(out);
      this.progress('merge', i + 1);
    }
    this.thresholds = sel.map((s) => s.thresholdBits());
    this.majority = ties.resolve(this.thresholds, outs);
    this.deferred = null;
    if (ties.overflowed) this.passes++;
    else this.held = outs;
  }

  /** TIES on the chunk's τ: out[start, start + m) = θ0 + scale · disjoint merge, trimmed at thr, exact-zero masses elected by G. */
  private tiesChunk(out: Float32Array, base: Float32Array, thr: readonly number[], G: number, start: number, m: number): void {
    const aggregate = (this.plan.combine as { aggregate: 'sum' | 'mean' }).aggregate;
    this.trim(thr, m);
    if (this.simd) return this.simd.tiesMerge(out, G, this.scale, aggregate, start, m);
    electSigns(this.pos, this.acc, G, m);
    disjointMerge(this.merged64, this.count, this.kept, this.pos, aggregate, m);
    applyScale(out, base, this.merged64, this.scale, start, m);
  }

  /** kept[t] = taus[t] trimmed at threshold bits thr[t]; acc = Σt kept[t]. */
  private trim(thr: readonly number[], m: number): void {
    if (this.simd) this.simd.trimAndSum(thr, m);
    else trimAndSum(this.kept, this.acc, this.taus, thr, m);
  }

  private async scan(fn: (taus: Float32Array[], m: number) => void): Promise<void> {
    this.startPass('scan');
    for (let i = 0; i < this.reader.specs.length; i++) {
      const x = await this.readTensor(i, 'scan');
      const rngs = this.dareRngs(x);
      this.chunks(x, (start, m) => {
        this.taskVectors(x, start, m, rngs);
        fn(this.taus, m);
      });
      this.progress('scan', i + 1);
    }
  }

  private chunks(x: TensorInputs, fn: (start: number, m: number) => void): void {
    const n = x.base.length;
    for (let start = 0; start < n; start += CHUNK) fn(start, Math.min(CHUNK, n - start));
  }

  private startPass(stage: MergeStage): void {
    this.pass++;
    this.progress(stage, 0);
  }

  private async readTensor(i: number, stage: MergeStage): Promise<TensorInputs> {
    if (this.opts.signal?.aborted) throw new CancelledError(stage === 'scan' ? 'merge (while scanning)' : 'merge');
    const x = await this.reader.read(i);
    this.reader.observe(x);
    return x;
  }

  /** DARE's seeded streams of tensor x, one per task (seeds for the wasm kernel, Rngs for JS), or null when DARE does not touch it. */
  private dareRngs(x: TensorInputs): { seeds: number[]; rngs: Rng[] } | null {
    const dare = this.plan.dare;
    if (!dare || (dare.scope === 'linear' && !isLinearWeight(x.spec.name))) return null;
    const seeds = x.experts.map((_, t) => dareSeed(dare.seed, t, x.index));
    return { seeds, rngs: seeds.map((s) => createRng(s)) };
  }

  /** Fills this.taus[t][0, m) with the (DARE-dropped) task vectors of x on [start, start + m); throws on NaN/Inf. */
  private taskVectors(x: TensorInputs, start: number, m: number, dare: { seeds: number[]; rngs: Rng[] } | null): void {
    const simd = this.simd;
    // The wasm kernel only says whether some τ is non-finite; the JavaScript one then says where.
    if (simd && !simd.taskVectors(x.base, x.experts, start, m)) {
      if (dare) simd.dareDrop(dare.seeds, start, m, this.plan.dare!.p, this.plan.dare!.rescale);
      return;
    }
    for (let t = 0; t < x.experts.length; t++) {
      const bad = taskVector(this.taus[t], x.experts[t], x.base, start, m);
      if (bad >= 0) throw nonFiniteError(this.reader, x, start + bad);
      if (dare) dareDrop(this.taus[t], m, this.plan.dare!.p, this.plan.dare!.rescale, dare.rngs[t]);
    }
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
