/**
 * Representation Surgery's step loops in WebAssembly SIMD (wasm/surgery.wat, assembled into
 * wasm/surgery-wasm.ts by `npm run build:wasm`): for one batch of cached features, the loss
 * Σ|ẑ − y| and the gradients ∂L/∂D [r, P] and ∂L/∂Uᵀ [r, P], four float32 lanes at a time —
 * the same terms as surgery.ts's JavaScript loops, summed in float32 lanes instead of float64.
 * One instance owns one small linear memory sized for batches of up to `maxBatch` images.
 * `create` returns null where WebAssembly SIMD is missing or P is not a multiple of 4; the model
 * then keeps its JavaScript loops.
 */
import { instantiateSimd } from '../wasm-simd';
import { SURGERY_WASM_BASE64 } from './wasm/surgery-wasm';

interface Exports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  step(z: number, y: number, D: number, Ut: number, gD: number, gUt: number, a: number, s: number, g: number, B: number, P: number, r: number, scale: number): number;
}

export class SurgerySimd {
  /** Views into the module's memory: the batch's merged rows z and targets y [maxBatch, P]; D, Uᵀ and their gradients [r, P]. */
  readonly z: Float32Array;
  readonly y: Float32Array;
  readonly D: Float32Array;
  readonly Ut: Float32Array;
  readonly gD: Float32Array;
  readonly gUt: Float32Array;
  private readonly at: Record<'z' | 'y' | 'D' | 'Ut' | 'gD' | 'gUt' | 'a' | 's' | 'g', number>;

  static create(maxBatch: number, P: number, r: number): SurgerySimd | null {
    if (P % 4 !== 0) return null;
    const x = instantiateSimd<Exports>(SURGERY_WASM_BASE64);
    return x && new SurgerySimd(x, maxBatch, P, r);
  }

  private constructor(private readonly x: Exports, readonly maxBatch: number, readonly P: number, readonly r: number) {
    let p = 0;
    const take = (floats: number) => { const at = p; p += Math.ceil(floats / 16) * 64; return at; };
    this.at = { z: take(maxBatch * P), y: take(maxBatch * P), D: take(r * P), Ut: take(r * P), gD: take(r * P), gUt: take(r * P), a: take(r), s: take(P), g: take(P) };
    x.memory.grow(Math.max(0, Math.ceil(p / 65536) - x.memory.buffer.byteLength / 65536));
    const buf = x.memory.buffer; // fixed from here on: the memory never grows again, so the views stay valid
    const view = (at: number, n: number) => new Float32Array(buf, at, n);
    this.z = view(this.at.z, maxBatch * P);
    this.y = view(this.at.y, maxBatch * P);
    this.D = view(this.at.D, r * P);
    this.Ut = view(this.at.Ut, r * P);
    this.gD = view(this.at.gD, r * P);
    this.gUt = view(this.at.gUt, r * P);
  }

  /** Σ|ẑ − y| over the first B rows of z, y (each row summed in float32 lanes, the rows in float64), with ∂L/∂D and ∂L/∂Uᵀ for L = that sum × scale in gD, gUt. */
  step(B: number, scale: number): number {
    if (B > this.maxBatch) throw new Error(`SurgerySimd: a batch of ${B} for memory sized for ${this.maxBatch}`);
    this.gD.fill(0);
    this.gUt.fill(0);
    const a = this.at;
    return this.x.step(a.z, a.y, a.D, a.Ut, a.gD, a.gUt, a.a, a.s, a.g, B, this.P, this.r, scale);
  }
}
