/**
 * TIES's model-wide majority sign G = sign(Σ over all entries of sign(S)), S = Σt trimmed τt — the
 * sign exact-zero elections take. It is summed during the pass that makes the trim thresholds exact
 * (pass 2), so it costs no pass of its own: entries whose trim is already decided for every task
 * add their sign at once; an entry with some task's |τ| inside that task's threshold bucket keeps
 * its decided partial sum and its undecided values (a few per cent of entries, held compactly) and
 * is settled once the thresholds are known.
 */
import { bitsOf, signSum } from './kernels';

export class MajoritySign {
  private decided = 0;
  /** Per undecided entry: the sum of its decided kept values, and where its undecided values end. */
  private partial: number[] = [];
  private ends: number[] = [];
  private tasks: number[] = [];
  private values: number[] = [];

  /**
   * One chunk: S = Σt τt kept under the `sure` thresholds, undecided[i] = 1 where some task's
   * |τ| bits lie in its [maybe, sure) range.
   */
  add(S: Float64Array, undecided: Uint8Array, taus: readonly Float32Array[], bounds: readonly { maybe: number; sure: number }[], m: number): void {
    this.decided += signSum(S, m, undecided);
    const bits = taus.map(bitsOf);
    for (let i = 0; i < m; i++) {
      if (!undecided[i]) continue;
      this.partial.push(S[i]);
      for (let t = 0; t < taus.length; t++) {
        const b = bits[t][i] & 0x7fffffff;
        if (b >= bounds[t].maybe && b < bounds[t].sure) {
          this.tasks.push(t);
          this.values.push(taus[t][i]);
        }
      }
      this.ends.push(this.values.length);
    }
  }

  /** Undecided entries held so far. */
  get pending(): number {
    return this.partial.length;
  }

  /** G (−1, 0 or 1) given the exact per-task threshold bits. */
  resolve(thresholds: readonly number[]): number {
    return Math.sign(this.total(thresholds));
  }

  /** Σ sign(S) over every entry added, given the exact per-task threshold bits. */
  total(thresholds: readonly number[]): number {
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    let total = this.decided;
    let j = 0;
    this.partial.forEach((s, e) => {
      for (; j < this.ends[e]; j++) {
        f[0] = this.values[j];
        if ((u[0] & 0x7fffffff) >= thresholds[this.tasks[j]]) s += this.values[j];
      }
      total += Math.sign(s);
    });
    return total;
  }
}
