/**
 * θ0 and the T task vectors of a trainable merge, held ONCE as plain JS arrays (outside the tfjs /
 * wasm heap, whose 4 GB would otherwise hold them next to the activations) and uploaded tensor
 * by tensor when a step needs them.
 * θ0 is always float32. τ(l) [T, n] is float32 while all task vectors together take at most
 * `f16Above` bytes (default 1 GiB: the zoo, the test fixtures and ViT-B/32 with up to 2 tasks stay
 * exact); above it each row τt(l) is stored as IEEE half floats of τt(l)/s with a power-of-two
 * scale s = 2^(⌈log2 max|τt(l)|⌉ − 14) (so the largest entry sits near 2^14 and entries down to
 * 2^-24 of it stay normal halves; multiplying by s back is exact). That halves the
 * resident bytes (ViT-B/32 × 8 tasks: 2.8 GB → 1.4 GB) at a relative rounding error ≤ 2^-11 per
 * entry of τ — the merged weight θ0 + Σ λτ moves by far less than θ0's own float32 spacing
 * wherever |λτ| ≪ |θ0|.
 */
import * as tf from '@tensorflow/tfjs';
import { F16_TABLE, toHalf } from '../io/dtypes';

export const F16_ABOVE = 2 ** 30;

type Row = Float32Array | { half: Uint16Array; scale: number };

export class TaskVectors {
  readonly base: Float32Array[] = []; // [L] θ0(l)
  private readonly rows: Row[][] = []; // [L][T]
  readonly half: boolean;

  /** An empty store for T task vectors of `numel` entries in all; halves when 4·T·numel > f16Above. Fill it with push, tensor by tensor. */
  constructor(numel: number, T: number, f16Above = F16_ABOVE) {
    this.half = 4 * T * numel > f16Above;
  }

  /** Adds tensor l = the next one: θ0(l) [n] and the T rows τt(l) [n] (kept as given, or converted to halves and dropped). */
  push(base: Float32Array, tau: readonly Float32Array[]): void {
    this.base.push(base);
    this.rows.push(tau.map((r) => (this.half ? toScaledHalf(r) : r)));
  }

  get tasks(): number {
    return this.rows[0]?.length ?? 0;
  }

  /** Bytes held (θ0 + τ). */
  get bytes(): number {
    const b = this.base.reduce((s, x) => s + 4 * x.length, 0);
    return b + this.rows.reduce((s, rows) => s + rows.reduce((a, r) => a + (r instanceof Float32Array ? 4 * r.length : 2 * r.half.length), 0), 0);
  }

  /** Entries [from, to) of θ0(l) flattened (all by default), as a tensor of `shape` (caller disposes). */
  baseTensor(l: number, shape: readonly number[], from = 0, to = this.base[l].length): tf.Tensor {
    return tf.tensor(from === 0 && to === this.base[l].length ? this.base[l] : this.base[l].subarray(from, to), [...shape]);
  }

  /** Columns [from, to) of τ(l) as a [T, to − from] tensor (caller disposes); the whole τ(l) by default. */
  tauTensor(l: number, from = 0, to = this.base[l].length): tf.Tensor2D {
    const rows = this.rows[l];
    const k = to - from;
    const out = new Float32Array(rows.length * k);
    rows.forEach((r, t) => {
      if (r instanceof Float32Array) out.set(r.subarray(from, to), t * k);
      else fromHalf(r.half.subarray(from, to), r.scale, out, t * k);
    });
    return tf.tensor2d(out, [rows.length, k]);
  }

  /** τt(l) as stored (decoded), [n]. */
  tauRow(l: number, t: number): Float32Array {
    const r = this.rows[l][t];
    if (r instanceof Float32Array) return r;
    const out = new Float32Array(r.half.length);
    fromHalf(r.half, r.scale, out, 0);
    return out;
  }

  /** Whether some τt(l) ≠ 0. */
  live(l: number): boolean {
    return this.rows[l].some((r) => (r instanceof Float32Array ? r : r.half).some((v) => v !== 0));
  }
}

/** Values as halves of r / scale, the scale a power of two putting the largest |value| in half range. */
function toScaledHalf(r: Float32Array): { half: Uint16Array; scale: number } {
  let mx = 0;
  for (const v of r) mx = Math.max(mx, Math.abs(v));
  const scale = mx > 0 ? 2 ** (Math.ceil(Math.log2(mx)) - 14) : 1;
  const out = new Uint16Array(r.length);
  for (let i = 0; i < r.length; i++) out[i] = toHalf(r[i] / scale);
  return { half: out, scale };
}

function fromHalf(h: Uint16Array, scale: number, out: Float32Array, at: number): void {
  for (let i = 0; i < h.length; i++) out[at + i] = F16_TABLE[h[i]] * scale;
}
