/**
 * TIES with one pass less. The merge pass runs while the trim thresholds are only bracketed by
 * pass 1's coarse histograms ([maybe, sure) per task; the pass also counts the fine histograms
 * that make them exact) and before the model-wide majority sign G is known. The usual kernels run
 * with the `sure` thresholds and G > 0; their output is final for every entry except
 * - undecided ones: some |τt| lies in its task's threshold bucket. There are at most as many as
 *   those buckets hold, known after pass 1, so the caller checks the memory before taking this
 *   route. Recorded: position, θ0 and every τt; merged again once the thresholds are exact, with
 *   the kernels' operations in the kernels' order (kernels.ts trimAndSum, electSigns,
 *   disjointMerge, applyScale), so every bit is the same as with the extra pass.
 * - exact cancellations: decided, S = 0 with something kept, so their elected sign is G's.
 *   Recorded: position and the output for G ≤ 0. Adversarial pools can have very many; past
 *   `maxCancellations` the held outputs are given up (`overflowed`) and the caller runs the
 *   separate merge pass after all — G and the thresholds are exact either way.
 * G sums sign(S) of the decided entries as they pass and of the undecided ones when settled.
 * The caller holds the whole pass's outputs until resolve() (one model: 351 MB at ViT-B/32).
 */
import { bitsOf } from './kernels';

/** A growable column of 32-bit values. */
class Column<A extends Float32Array | Int32Array> {
  length = 0;
  constructor(private make: (n: number) => A, public data: A = make(1 << 16)) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}
const f32s = (n: number) => new Float32Array(n);
const i32s = (n: number) => new Int32Array(n);

export class DeferredTies {
  /** Σ sign(S) over the decided entries so far. */
  private decided = 0;
  private readonly where = new Column(i32s); // undecided: tensor, element (pairs)
  private readonly values = new Column(f32s); // undecided: θ0, then τ of every task
  private readonly cancelAt = new Column(i32s); // cancellations: tensor, element (pairs)
  private readonly cancelOut = new Column(f32s); // cancellations: output for G ≤ 0
  /** True once more cancellations than maxCancellations were met: the held outputs are incomplete. */
  overflowed = false;

  constructor(readonly tasks: number, private readonly scale: number, private readonly aggregate: 'sum' | 'mean', private readonly maxCancellations: number) {}

  /** Bytes held per undecided entry (for the caller's memory check). */
  static bytesPerEntry(tasks: number): number {
    return 4 * (tasks + 3);
  }

  /**
   * One chunk, entries [start, start + m) of tensor `tensor`, after the kernels and
   * classifyDeferred: list[0, listed) the entries to settle (flags[i] = 1 where the trim is
   * undecided, else an exact cancellation), `signs` = Σ sign(S) of the decided ones, S and kept
   * under the `sure` thresholds, out written with G > 0.
   */
  addChunk(tensor: number, start: number, list: Uint32Array, listed: number, signs: number, flags: Uint8Array, kept: readonly Float32Array[], taus: readonly Float32Array[], base: Float32Array): void {
    const T = this.tasks;
    this.decided += signs;
    for (let r = 0; r < listed; r++) {
      const i = list[r];
      if (flags[i]) {
        this.where.push(tensor);
        this.where.push(start + i);
        this.values.push(base[start + i]);
        for (let t = 0; t < T; t++) this.values.push(taus[t][i]);
        continue;
      }
      if (this.overflowed) continue;
      if (this.cancelOut.length >= this.maxCancellations) {
        this.overflowed = true;
        continue;
      }
      // S = 0 with kept values: the elected sign is G's; keep the output for G ≤ 0 (negatives agree).
      let merged = 0;
      let count = 0;
      for (let t = 0; t < T; t++) {
        const v = kept[t][i];
        if (v < 0) { merged += v; count++; }
      }
      if (this.aggregate === 'mean') merged /= count > 1 ? count : 1;
      this.cancelAt.push(tensor);
      this.cancelAt.push(start + i);
      this.cancelOut.push(base[start + i] + this.scale * merged);
    }
  }

  /** Undecided entries recorded so far. */
  get pending(): number {
    return this.where.length / 2;
  }

  /**
   * Given the exact threshold bits per task: G (−1, 0 or 1), and — unless overflowed — the final
   * values of every recorded entry written into `outs` (per tensor, as the kernels left them).
   */
  resolve(thresholds: readonly number[], outs: Float32Array[]): number {
    const T = this.tasks;
    const n = this.pending;
    const vals = this.values.data;
    const bits = bitsOf(vals);
    const S = new Float64Array(n);
    let total = this.decided;
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let t = 0, j = r * (T + 1) + 1; t < T; t++, j++) if ((bits[j] & 0x7fffffff) >= thresholds[t]) s += vals[j] + 0;
      S[r] = s;
      total += Math.sign(s);
    }
    const G = Math.sign(total);
    if (this.overflowed) return G;
    const mean = this.aggregate === 'mean';
    const at = this.where.data;
    for (let r = 0; r < n; r++) {
      const pos = S[r] > 0 || (S[r] === 0 && G > 0);
      let merged = 0;
      let count = 0;
      for (let t = 0, j = r * (T + 1) + 1; t < T; t++, j++) {
        const v = vals[j];
        if (v === 0 || (bits[j] & 0x7fffffff) < thresholds[t] || (v > 0) !== pos) continue;
        merged += v;
        count++;
      }
      if (mean) merged /= count > 1 ? count : 1;
      outs[at[2 * r]][at[2 * r + 1]] = vals[r * (T + 1)] + this.scale * merged;
    }
    if (G <= 0) {
      const c = this.cancelAt.data;
      for (let r = 0; r < this.cancelOut.length; r++) outs[c[2 * r]][c[2 * r + 1]] = this.cancelOut.data[r];
    }
    return G;
  }
}
