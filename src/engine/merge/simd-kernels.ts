/**
 * The merge's hot chunk kernels in WebAssembly SIMD (wasm/kernels.wat, assembled into
 * wasm/kernels-wasm.ts by `npm run build:wasm`). Each gives bit for bit what its JavaScript
 * reference in kernels.ts / magnitude-select.ts gives (simd-kernels.test.ts checks it on random
 * chunks with ties at the threshold, zeros, −0, NaN/Inf and ragged chunk ends); they are 3–6× faster
 * because they work on 4 entries at a time and fuse the TIES election, disjoint merge and scaling
 * into one loop. One instance owns one small linear memory (≈ 0.45 MB per task for 8,192-entry
 * chunks) holding the chunk scratch: θ0, θt (turned into τt in place), kept τt, the float64 mass S,
 * the output, flags and each task's two histograms. `SimdKernels.create` returns null where
 * WebAssembly SIMD is missing; callers then use the JavaScript kernels.
 */
import { instantiateSimd } from '../wasm-simd';
import { KERNELS_WASM_BASE64 } from './wasm/kernels-wasm';

interface Exports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  taskVectors(base: number, x: number, stride: number, tasks: number, n: number): number;
  dareDrop(tau: number, stride: number, tasks: number, seeds: number, start: number, n: number, P: number, gain: number): void;
  taskArithmetic(base: number, x: number, stride: number, tasks: number, out: number, n: number, scale: number): number;
  histCoarse(tau: number, stride: number, tasks: number, h: number, hstride: number, m: number): void;
  histFine(tau: number, h: number, bucket: number, flags: number, m: number): void;
  trimAndSum(tau: number, kept: number, stride: number, tasks: number, thr: number, S: number, n: number): void;
  tiesMerge(kept: number, stride: number, tasks: number, S: number, base: number, out: number, n: number, g: number, scale: number, mean: number): void;
  consensusMerge(tau: number, stride: number, tasks: number, S: number, base: number, out: number, n: number, lambdaT: number, k: number, scale: number): void;
  classifyDeferred(flags: number, S: number, kept: number, stride: number, tasks: number, list: number, signsAt: number, m: number): number;
}

const COARSE_BYTES = 4 << 16;
const FINE_BYTES = 4 << 15;

export class SimdKernels {
  /** τt chunk per task [chunk] (θt until taskVectors runs). */
  readonly taus: Float32Array[];
  /** Trimmed τt per task [chunk]. */
  readonly kept: Float32Array[];
  /** Election mass / Σt kept τt [chunk] (float64). */
  readonly S: Float64Array;
  /** Per-entry flags [chunk] (histFine sets 1 where the entry is in the task's threshold bucket). */
  readonly flags: Uint8Array;
  /** Indices listed by classifyDeferred [chunk]. */
  readonly list: Uint32Array;
  /** Per task: coarse [65,536] and fine [32,768] magnitude histograms. */
  readonly coarse: Uint32Array[];
  readonly fine: Uint32Array[];
  private readonly x: Exports;
  private readonly base: Float32Array;
  private readonly out: Float32Array;
  private readonly thr: Uint32Array;
  private readonly signs: Int32Array;
  private readonly seeds: Uint32Array;
  private readonly at: { thr: number; seeds: number; signs: number; base: number; x: number; kept: number; S: number; out: number; flags: number; list: number; coarse: number; fine: number };
  private readonly stride: number;

  /** Kernels for `tasks` experts and chunks of up to `chunk` entries (a multiple of 4), or null without WebAssembly SIMD. */
  static create(tasks: number, chunk: number): SimdKernels | null {
    if (chunk % 4 !== 0) return null;
    const x = instantiateSimd<Exports>(KERNELS_WASM_BASE64);
    return x && new SimdKernels(x, tasks, chunk);
  }

  private constructor(x: Exports, readonly tasks: number, readonly chunk: number) {
    this.x = x;
    // Arrays a multiple of 4 KiB apart make loads wait on unrelated stores (4K aliasing: the TIES
    // trim ran 4× slower), so per-task arrays are 64 bytes more than a chunk apart and every region
    // starts 320 bytes past a 64-byte boundary.
    const stride = (this.stride = chunk * 4 + 64);
    let p = 0;
    const take = (bytes: number) => { const at = p; p = Math.ceil((p + bytes) / 64) * 64 + 320; return at; };
    this.at = {
      thr: take(4 * tasks), seeds: take(4 * tasks), signs: take(4), base: take(stride), x: take(stride * tasks), kept: take(stride * tasks), S: take(8 * chunk),
      out: take(stride), flags: take(chunk), list: take(4 * chunk), coarse: take(COARSE_BYTES * tasks), fine: take(FINE_BYTES * tasks),
    };
    const pages = Math.ceil(p / 65536);
    x.memory.grow(Math.max(0, pages - x.memory.buffer.byteLength / 65536));
    const buf = x.memory.buffer; // fixed from here on: the memory never grows again, so the views stay valid
    const a = this.at;
    this.thr = new Uint32Array(buf, a.thr, tasks);
    this.base = new Float32Array(buf, a.base, chunk);
    this.out = new Float32Array(buf, a.out, chunk);
    this.taus = Array.from({ length: tasks }, (_, t) => new Float32Array(buf, a.x + t * stride, chunk));
    this.kept = Array.from({ length: tasks }, (_, t) => new Float32Array(buf, a.kept + t * stride, chunk));
    this.S = new Float64Array(buf, a.S, chunk);
    this.flags = new Uint8Array(buf, a.flags, chunk);
    this.list = new Uint32Array(buf, a.list, chunk);
    this.signs = new Int32Array(buf, a.signs, 1);
    this.seeds = new Uint32Array(buf, a.seeds, tasks);
    this.coarse = Array.from({ length: tasks }, (_, t) => new Uint32Array(buf, a.coarse + t * COARSE_BYTES, 1 << 16));
    this.fine = Array.from({ length: tasks }, (_, t) => new Uint32Array(buf, a.fine + t * FINE_BYTES, 1 << 15));
  }

  /** Bytes of float32 the element-wise kernels cover for m entries (whole 4-lane vectors). */
  private span(m: number): number {
    return Math.ceil(m / 4) * 16;
  }

  /** Copies θ0 and every θt on [start, start + m) into the chunk, zero-padding the last vector. */
  private load(base: Float32Array, experts: readonly Float32Array[], start: number, m: number): void {
    const end = Math.ceil(m / 4) * 4;
    const copy = (dst: Float32Array, src: Float32Array) => {
      dst.set(src.subarray(start, start + m));
      if (end > m) dst.fill(0, m, end);
    };
    copy(this.base, base);
    experts.forEach((e, t) => copy(this.taus[t], e));
  }

  /** taus[t][0, m) = θt − θ0 on [start, start + m) (kernels.ts taskVector). Returns true when some τ is NaN/±Inf. */
  taskVectors(base: Float32Array, experts: readonly Float32Array[], start: number, m: number): boolean {
    this.load(base, experts, start, m);
    return this.x.taskVectors(this.at.base, this.at.x, this.stride, this.tasks, this.span(m)) !== 0;
  }

  /**
   * DARE on taus[t][0, m), entries [start, start + m) of their tensor (kernels.ts dareDrop): the
   * stream of task t is createRng(seeds[t]) (random.ts mulberry32, state (seed ^ 0x9e3779b9) + k·
   * 0x6d2b79f5 at its k-th draw), so entry j uses draw j + 1 whichever chunk it is in.
   */
  dareDrop(seeds: readonly number[], start: number, m: number, p: number, rescale: boolean): void {
    seeds.forEach((s, t) => (this.seeds[t] = (s >>> 0) ^ 0x9e3779b9));
    this.x.dareDrop(this.at.x, this.stride, this.tasks, this.at.seeds, start, this.span(m), p * 4294967296, rescale ? 1 / (1 - p) : 1);
  }

  /**
   * out[start, start + m) = θ0 + scale · Σt (θt − θ0) (kernels.ts taskArithmetic). Returns true when
   * some output is NaN/±Inf (the caller locates it with the JavaScript kernel). Uses the τ scratch.
   */
  taskArithmetic(out: Float32Array, base: Float32Array, experts: readonly Float32Array[], scale: number, start: number, m: number): boolean {
    this.load(base, experts, start, m);
    const bad = this.x.taskArithmetic(this.at.base, this.at.x, this.stride, this.tasks, this.at.out, this.span(m), scale) !== 0;
    out.set(this.out.subarray(0, m), start);
    return bad;
  }

  /** Adds taus[t][0, m) to coarse[t] for every task (MagnitudeSelector.addCoarse). */
  histCoarse(m: number): void {
    this.x.histCoarse(this.at.x, this.stride, this.tasks, this.at.coarse, COARSE_BYTES, m);
  }

  /** Adds the entries of taus[t][0, m) in coarse bucket `bucket` to fine[t] and sets their flags (MagnitudeSelector.addFine). */
  histFine(t: number, bucket: number, m: number): void {
    this.x.histFine(this.at.x + t * this.stride, this.at.fine + t * FINE_BYTES, bucket, this.at.flags, m);
  }

  /** kept[t] = taus[t] trimmed at threshold bits thr[t], S = Σt kept[t] (kernels.ts trimAndSum). */
  trimAndSum(thr: readonly number[], m: number): void {
    this.thr.set(thr);
    this.x.trimAndSum(this.at.x, this.at.kept, this.stride, this.tasks, this.at.thr, this.at.S, this.span(m));
  }

  /**
   * After trimAndSum: out[start, start + m) = θ0 + scale · TIES disjoint merge of kept with the sign
   * elected from S (exact zeros take G's sign) — kernels.ts electSigns + disjointMerge + applyScale.
   * θ0 is the chunk loaded by the last taskVectors.
   */
  tiesMerge(out: Float32Array, G: number, scale: number, aggregate: 'sum' | 'mean', start: number, m: number): void {
    this.x.tiesMerge(this.at.kept, this.stride, this.tasks, this.at.S, this.at.base, this.at.out, this.span(m), G > 0 ? 1 : 0, scale, aggregate === 'mean' ? 1 : 0);
    out.set(this.out.subarray(0, m), start);
  }

  /**
   * After trimAndSum of a sum combine: out[start, start + m) = θ0 + scale · S with S zeroed where
   * fewer than k TALL masks 1{|τt| > λt·|S − τt|} are set (kernels.ts consensusFilter + applyScale).
   */
  consensusMerge(out: Float32Array, lambdaT: number, k: number, scale: number, start: number, m: number): void {
    this.x.consensusMerge(this.at.x, this.stride, this.tasks, this.at.S, this.at.base, this.at.out, this.span(m), lambdaT, k, scale);
    out.set(this.out.subarray(0, m), start);
  }

  /** kernels.ts classifyDeferred on flags, S and kept, listing into this.list. */
  classifyDeferred(m: number): { listed: number; signs: number } {
    this.signs[0] = 0;
    const listed = this.x.classifyDeferred(this.at.flags, this.at.S, this.at.kept, this.stride, this.tasks, this.at.list, this.at.signs, m);
    return { listed, signs: this.signs[0] };
  }
}
