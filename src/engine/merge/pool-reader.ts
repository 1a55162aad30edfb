/**
 * Reads one canonical parameter of the pretrained model and of every expert at a time (never a
 * whole model), counts the bytes read, and — on the first pass — notices experts identical to the
 * pretrained model. While tensor i is being merged, the next tensors are already being read (file reads
 * run off the main thread in Node and in browsers), so I/O and arithmetic overlap. Experts without a tensor the
 * pretrained model has (only visual_projection.weight passes assertPool) contribute τ = 0 there.
 * With `recycle`, tensors are read into READ_AHEAD + 1 buffers per model, reused round-robin
 * (sources with readInto: Node files), instead of fresh ones: a pass then allocates nothing, which
 * spares the page faults and garbage collections of 3 GB of new buffers per pass (TIES reads the
 * pool three times). The price is the contract: what read(i) returned is valid only until the next read().
 */
import { MergelabError } from '../errors';
import type { Checkpoint, ParamSpec } from '../model/clip-vit/checkpoint';
import { numel } from '../io/safetensors';
import { firstDifference } from './kernels';

/** How many tensors are read ahead of the one being merged (each is one tensor of every model). */
const READ_AHEAD = 2;

export interface TensorInputs {
  index: number;
  spec: ParamSpec;
  base: Float32Array; // θ0 [n]
  experts: Float32Array[]; // θt [n] per task (θ0 itself where the expert lacks the tensor)
}

export class PoolReader {
  readonly specs: readonly ParamSpec[];
  readonly checkpoints: readonly Checkpoint[];
  /** Bytes of the stored files read so far (each tensor's share of its file, by element count). */
  bytesRead = 0;
  private readonly bytesPerElement: number[];
  private readonly has: ReadonlySet<string>[];
  private readonly differs: boolean[];
  private observed = 0;
  /** Recycled buffers: per slot, one array of maxNumel per model, and the last load that used the slot. */
  private readonly slots: { buffers: Float32Array[]; busy: Promise<unknown> }[] = [];

  constructor(readonly pretrained: Checkpoint, readonly experts: readonly Checkpoint[], opts: { recycle?: boolean } = {}) {
    this.specs = pretrained.params;
    this.checkpoints = [pretrained, ...experts];
    this.bytesPerElement = this.checkpoints.map((c) => c.fileBytes / Math.max(1, c.params.reduce((a, p) => a + numel(p.shape), 0)));
    this.has = experts.map((e) => new Set(e.params.map((p) => p.name)));
    this.differs = experts.map(() => false);
    if (opts.recycle && this.checkpoints.some((c) => c.readParamInto)) {
      for (let s = 0; s <= READ_AHEAD; s++) this.slots.push({ buffers: this.checkpoints.map(() => new Float32Array(this.maxNumel)), busy: Promise.resolve() });
    }
  }

  /** Stored bytes of one full pass over the pool. */
  get passBytes(): number {
    return this.checkpoints.reduce((a, c) => a + c.fileBytes, 0);
  }

  get maxNumel(): number {
    return this.specs.reduce((m, s) => Math.max(m, numel(s.shape)), 0);
  }

  get totalNumel(): number {
    return this.specs.reduce((a, s) => a + numel(s.shape), 0);
  }

  /** Experts lacking tensor i (they keep the pretrained values there). */
  missing(i: number): Checkpoint[] {
    return this.experts.filter((_, t) => !this.has[t].has(this.specs[i].name));
  }

  /** Tensors being read ahead, by index. */
  private ahead = new Map<number, Promise<TensorInputs>>();

  /** Tensor i of every model; keeps the next READ_AHEAD tensors reading in the background. */
  read(index: number): Promise<TensorInputs> {
    const inputs = this.ahead.get(index) ?? this.load(index);
    for (const k of this.ahead.keys()) if (k <= index || k > index + READ_AHEAD) this.ahead.delete(k);
    for (let k = index + 1; k <= Math.min(index + READ_AHEAD, this.specs.length - 1); k++) {
      if (this.ahead.has(k)) continue;
      const next = this.load(k);
      next.catch(() => {}); // a failure surfaces when tensor k is asked for, not as an unhandled rejection
      this.ahead.set(k, next);
    }
    return inputs;
  }

  private load(index: number): Promise<TensorInputs> {
    const slot = this.slots.length ? this.slots[index % this.slots.length] : null;
    if (!slot) return this.loadInto(index, null);
    // A read abandoned by an out-of-order read() may still be filling this slot: wait for it.
    const loading = slot.busy.then(() => this.loadInto(index, slot.buffers), () => this.loadInto(index, slot.buffers));
    slot.busy = loading.catch(() => {});
    return loading;
  }

  private async loadInto(index: number, buffers: Float32Array[] | null): Promise<TensorInputs> {
    const spec = this.specs[index];
    const n = numel(spec.shape);
    const readOne = async (ck: Checkpoint, c: number): Promise<Float32Array> => {
      const v = buffers && ck.readParamInto ? await ck.readParamInto(spec.name, buffers[c]) : await ck.readParam(spec.name);
      if (v.length !== n) throw new MergelabError('checkpoint', `model "${ck.name}": tensor "${spec.name}" has ${v.length} values, expected ${n} for shape [${spec.shape.join(', ')}].`, 'The checkpoint does not match its own header; re-export it.');
      this.bytesRead += n * this.bytesPerElement[c];
      return v;
    };
    const [base, ...present] = await Promise.all(this.checkpoints.map((ck, c) => (c === 0 || this.has[c - 1].has(spec.name) ? readOne(ck, c) : null)));
    const experts = present.map((v) => v ?? base!);
    return { index, spec, base: base!, experts };
  }

  /** First-pass bookkeeping, once per tensor in order: which experts differ from θ0. */
  observe(x: TensorInputs): void {
    if (x.index !== this.observed) return;
    this.observed++;
    x.experts.forEach((v, t) => {
      if (!this.differs[t] && v !== x.base && firstDifference(v, x.base) >= 0) this.differs[t] = true;
    });
  }

  /** Names of experts whose every tensor equals the pretrained one (after a full first pass). */
  identicalExperts(): string[] {
    return this.experts.filter((_, t) => !this.differs[t]).map((e) => e.name);
  }
}
