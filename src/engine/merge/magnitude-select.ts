/**
 * Exact global top-k of |τ| without storing τ: the k-th largest magnitude over a whole model,
 * found from histograms of the float32 bit pattern (for non-negative floats the bit pattern orders
 * like the value). Pass 1 counts the top 16 bits of |τ| (sign dropped: 8 exponent + 7 mantissa
 * bits, 65,536 buckets); that pins the threshold to one bucket. Pass 2 — only when the threshold
 * falls strictly inside that bucket — counts the low 15 bits of the entries in it (32,768 buckets),
 * which gives the exact bit pattern. Memory: 384 KB per task, whatever the model size. The two
 * histograms can live elsewhere (`storage`: the WebAssembly kernels count into their own memory,
 * simd-kernels.ts histCoarse/histFine, instead of addCoarse/addFine).
 */

const COARSE_SHIFT = 15;
const FINE_MASK = (1 << COARSE_SHIFT) - 1;

/** Number of entries TIES keeps for k % of n: the reference's topk_values_mask keeps |τ| ≥ the (⌊n·k/100⌋+1)-th largest. */
export function keepCount(n: number, kPercent: number): number {
  if (kPercent >= 100) return n;
  return Math.min(n, Math.floor((n * kPercent) / 100) + 1);
}

/** Where a selector counts: coarse [65,536] and fine [32,768] buckets (both zeroed by the selector). */
export interface HistogramStorage {
  coarse: Uint32Array;
  fine: Uint32Array;
}

export class MagnitudeSelector {
  private readonly coarse: Uint32Array;
  private readonly fineStorage: Uint32Array | null;
  private fine: Uint32Array | null = null;
  private bucket = -1;
  /** How many of the threshold bucket's entries are kept (the rest are below the threshold). */
  private needInBucket = 0;
  private bits: number | null = null;

  /** @param kPercent percent of the whole model's entries to keep (see keepCount). */
  constructor(private readonly kPercent: number, storage?: HistogramStorage) {
    if (storage && (storage.coarse.length !== 1 << 16 || storage.fine.length !== 1 << COARSE_SHIFT)) throw new Error('MagnitudeSelector: histogram storage of the wrong size');
    this.coarse = storage ? storage.coarse.fill(0) : new Uint32Array(1 << 16);
    this.fineStorage = storage?.fine ?? null;
  }

  /** Pass 1: count the coarse bucket of every |τ| in tau[0, m). */
  addCoarse(tau: Float32Array, m = tau.length): void {
    const u = new Uint32Array(tau.buffer, tau.byteOffset, m);
    const h = this.coarse;
    for (let i = 0; i < m; i++) h[(u[i] & 0x7fffffff) >>> COARSE_SHIFT]++;
  }

  /** After pass 1: true when pass 2 (addFine) is needed to make the threshold exact. */
  needsFinePass(): boolean {
    if (this.bits === null && !this.fine) this.locate();
    return this.bits === null;
  }

  /** Finds the coarse bucket holding the keep-th largest magnitude. */
  private locate(): void {
    let total = 0;
    for (let b = 0; b < this.coarse.length; b++) total += this.coarse[b];
    const keep = keepCount(total, this.kPercent);
    if (keep <= 0) {
      this.bits = 0x7f800001; // above every finite magnitude: keep nothing
      return;
    }
    let above = 0;
    let b = this.coarse.length - 1;
    while (above + this.coarse[b] < keep) above += this.coarse[b--];
    this.bucket = b;
    this.needInBucket = keep - above;
    // Every entry of the bucket is kept: its lower edge is an exact threshold, no pass 2.
    if (this.needInBucket === this.coarse[b]) this.bits = b << COARSE_SHIFT;
    else this.fine = this.fineStorage ? this.fineStorage.fill(0) : new Uint32Array(1 << COARSE_SHIFT);
  }

  /** The coarse bucket pass 2 counts (bounds().maybe >>> 15), or −1 when pass 2 is not needed. */
  get fineBucket(): number {
    return this.fine ? this.bucket : -1;
  }

  /** How many entries pass 2 counts (the threshold bucket's), 0 when it is not needed. */
  get fineEntries(): number {
    return this.fine ? this.coarse[this.bucket] : 0;
  }

  /**
   * What is known before pass 2: entries whose |τ| bits are ≥ `sure` are kept whatever the exact
   * threshold; those in [maybe, sure) are undecided until pass 2 (none once the threshold is known).
   */
  bounds(): { maybe: number; sure: number } {
    if (this.bits !== null) return { maybe: this.bits, sure: this.bits };
    return { maybe: this.bucket << COARSE_SHIFT, sure: (this.bucket + 1) << COARSE_SHIFT };
  }

  /**
   * Pass 2: count the low bits of the entries of tau[0, m) in the threshold bucket (same τ as pass
   * 1). With `flags`, also sets flags[i] = 1 for those entries (their trim is undecided until now).
   */
  addFine(tau: Float32Array, m = tau.length, flags?: Uint8Array): void {
    const u = new Uint32Array(tau.buffer, tau.byteOffset, m);
    const h = this.fine!;
    const b = this.bucket;
    for (let i = 0; i < m; i++) {
      const a = u[i] & 0x7fffffff;
      if (a >>> COARSE_SHIFT === b) {
        h[a & FINE_MASK]++;
        if (flags) flags[i] = 1;
      }
    }
  }

  /**
   * The threshold as a float32 bit pattern: entries whose |τ| bits are ≥ it are exactly those ≥ the
   * keep-th largest magnitude (it is that magnitude, or the lower edge of its bucket when no other
   * value lies in between).
   */
  thresholdBits(): number {
    if (this.bits === null) {
      if (!this.fine) throw new Error('MagnitudeSelector: call needsFinePass() after pass 1, then pass 2');
      let above = 0;
      let low = FINE_MASK;
      while (above + this.fine[low] < this.needInBucket) above += this.fine[low--];
      this.bits = (this.bucket << COARSE_SHIFT) | low;
      this.fine = null;
    }
    return this.bits;
  }
}
