/**
 * Adam on host Float32Arrays, for parameters so small that tfjs's per-op cost (tens of µs per
 * kernel, ~17 kernels per tensor per update) outweighs the arithmetic: Representation Surgery's
 * [r, P] and [P, r] modules. The same update as ./adam.ts (torch.optim.Adam: a step count per
 * parameter, bias corrections 1 − βᵏ, ε after the square root), done op by op in float32:
 * every product, sum, quotient and square root is rounded with Math.fround exactly where the
 * float32 tfjs kernels round (a float64 result of float32 operands rounded once to float32 is the
 * correctly rounded float32 result), and the scalars are the float32 values tfjs would make of
 * them, so it gives the same bits as ./adam.ts on the WASM backend for the same gradients.
 */
const f = Math.fround;

interface Slot {
  m: Float32Array;
  v: Float32Array;
  k: number;
}

export class HostAdam<K = object> {
  private readonly slots = new Map<K, Slot>();

  constructor(readonly lr: number, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly eps = 1e-8) {}

  /** One update of `x` (in place) from its gradient `g` (same length); `key` names the parameter (its moments and step count). */
  apply(key: K, x: Float32Array, g: ArrayLike<number>): void {
    if (g.length !== x.length) throw new Error(`HostAdam: gradient of ${g.length} values for a parameter of ${x.length}`);
    let s = this.slots.get(key);
    if (!s) {
      s = { m: new Float32Array(x.length), v: new Float32Array(x.length), k: 0 };
      this.slots.set(key, s);
    }
    s.k++;
    const { m, v } = s;
    const b1 = f(this.beta1), c1 = f(1 - this.beta1), b2 = f(this.beta2), c2 = f(1 - this.beta2);
    const bc1 = f(1 - this.beta1 ** s.k), bc2 = f(1 - this.beta2 ** s.k), eps = f(this.eps), lr = f(this.lr);
    for (let i = 0; i < x.length; i++) {
      const gi = g[i];
      m[i] = f(f(m[i] * b1) + f(gi * c1)); // m ← β1·m + (1 − β1)·g
      v[i] = f(f(v[i] * b2) + f(f(gi * gi) * c2)); // v ← β2·v + (1 − β2)·g²
      const mHat = f(m[i] / bc1);
      const denom = f(f(Math.sqrt(f(v[i] / bc2))) + eps);
      x[i] = f(x[i] - f(f(mHat / denom) * lr)); // x ← x − lr·m̂/(√v̂ + ε)
    }
  }

  dispose(): void {
    this.slots.clear();
  }
}
