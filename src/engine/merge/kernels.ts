/**
 * Element-wise kernels of the generalised task-arithmetic routine, on plain typed arrays of one
 * parameter tensor (n entries). Task vectors τt are float32 (θt − θ0 rounded as PyTorch does);
 * sums over tasks run in float64 in task order, and each output is rounded to float32 once.
 * "Kept" means not trimmed: |τ| as float32 bits ≥ the task's threshold bits (0 keeps everything).
 */
import type { Rng } from '../random';

const bitsOf = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** τ = θt − θ0 (float32). Returns the index of the first non-finite τ, or −1. */
export function taskVector(tau: Float32Array, theta: Float32Array, base: Float32Array): number {
  let bad = -1;
  for (let i = 0; i < tau.length; i++) {
    const d = theta[i] - base[i];
    tau[i] = d;
    if (d - d !== 0 && bad < 0) bad = i; // NaN or ±Inf
  }
  return bad;
}

/** Index of the first entry where a and b differ (as floats), or −1. Stops at the first one. */
export function firstDifference(a: Float32Array, b: Float32Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** DARE in place: each entry dropped with probability p, kept ones scaled by 1/(1 − p) if rescale. */
export function dareDrop(tau: Float32Array, p: number, rescale: boolean, rng: Rng): void {
  const gain = rescale ? 1 / (1 - p) : 1;
  for (let i = 0; i < tau.length; i++) tau[i] = rng.next() < p ? 0 : tau[i] * gain;
}

/**
 * Task Arithmetic fast path: out = θ0 + scale · Σt (θt − θ0), τ rounded to float32 as in taskVector,
 * without materialising τ. `acc` is scratch of length ≥ n. Returns the first non-finite output or −1.
 */
export function taskArithmetic(out: Float32Array, base: Float32Array, experts: readonly Float32Array[], scale: number, acc: Float64Array): number {
  const n = out.length;
  acc.fill(0, 0, n);
  let t = 0;
  for (; t + 4 <= experts.length; t += 4) add4(acc, base, experts[t], experts[t + 1], experts[t + 2], experts[t + 3], n);
  for (; t < experts.length; t++) add1(acc, base, experts[t], n);
  let bad = -1;
  for (let i = 0; i < n; i++) {
    const o = base[i] + scale * acc[i];
    out[i] = o;
    if (o - o !== 0 && bad < 0) bad = i;
  }
  return bad;
}

function add4(acc: Float64Array, base: Float32Array, a: Float32Array, b: Float32Array, c: Float32Array, d: Float32Array, n: number): void {
  const f = Math.fround;
  for (let i = 0; i < n; i++) {
    const z = base[i];
    acc[i] = acc[i] + f(a[i] - z) + f(b[i] - z) + f(c[i] - z) + f(d[i] - z);
  }
}

function add1(acc: Float64Array, base: Float32Array, a: Float32Array, n: number): void {
  const f = Math.fround;
  for (let i = 0; i < n; i++) acc[i] = acc[i] + f(a[i] - base[i]);
}

/** S = Σt kept(τt), the trimmed sum (also the sign-election mass). */
export function keptSum(S: Float64Array, taus: readonly Float32Array[], thr: readonly number[], n: number): void {
  S.fill(0, 0, n);
  taus.forEach((tau, t) => {
    const u = bitsOf(tau);
    const th = thr[t];
    for (let i = 0; i < n; i++) if ((u[i] & 0x7fffffff) >= th) S[i] += tau[i];
  });
}

/** Σi sign(S[i]): this tensor's share of the model-wide majority sign. */
export function signSum(S: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += S[i] > 0 ? 1 : S[i] < 0 ? -1 : 0;
  return s;
}

/**
 * Elected sign per entry, as the TIES reference: sign(S), exact zeros take the majority sign G;
 * entries agree when their kept value is > 0 for a positive sign, < 0 otherwise (G = 0 selects
 * negatives, like torch.where(sign > 0, τ > 0, τ < 0)).
 */
const positive = (s: number, G: number) => (s > 0 ? true : s < 0 ? false : G > 0);

/**
 * Disjoint merge: merged[i] = Σ of kept τt[i] agreeing with the elected sign ('sum'), or that sum
 * over their count ('mean', count ≥ 1). S must be keptSum's output; `count` is scratch.
 */
export function disjointMerge(merged: Float64Array, S: Float64Array, taus: readonly Float32Array[], thr: readonly number[], G: number, aggregate: 'sum' | 'mean', count: Uint16Array, n: number): void {
  merged.fill(0, 0, n);
  count.fill(0, 0, n);
  taus.forEach((tau, t) => {
    const u = bitsOf(tau);
    const th = thr[t];
    for (let i = 0; i < n; i++) {
      const v = tau[i];
      if ((u[i] & 0x7fffffff) < th || v === 0) continue;
      if (v > 0 === positive(S[i], G)) {
        merged[i] += v;
        count[i]++;
      }
    }
  });
  if (aggregate === 'mean') for (let i = 0; i < n; i++) if (count[i] > 1) merged[i] /= count[i];
}

/** TIES "selected entries" of one task: kept τt where it agrees with the elected sign, else 0. */
export function selectedEntries(out: Float32Array, tau: Float32Array, thr: number, S: Float64Array, G: number): void {
  const u = bitsOf(tau);
  for (let i = 0; i < out.length; i++) {
    const v = tau[i];
    out[i] = (u[i] & 0x7fffffff) >= thr && v !== 0 && v > 0 === positive(S[i], G) ? v : 0;
  }
}

/** TALL mask of one task: mask[i] = 1{|τt[i]| > λt·|τ_MTL[i] − τt[i]|}. */
export function tallMask(mask: Uint8Array, tau: Float32Array, mtl: Float64Array, lambdaT: number, n: number): void {
  for (let i = 0; i < n; i++) mask[i] = Math.abs(tau[i]) > lambdaT * Math.abs(mtl[i] - tau[i]) ? 1 : 0;
}

/** Consensus: zeroes τ_MTL where fewer than k TALL masks are set. `mask`, `count` are scratch. */
export function consensusFilter(mtl: Float64Array, taus: readonly Float32Array[], lambdaT: number, k: number, mask: Uint8Array, count: Uint16Array, n: number): void {
  count.fill(0, 0, n);
  for (const tau of taus) {
    tallMask(mask, tau, mtl, lambdaT, n);
    for (let i = 0; i < n; i++) count[i] += mask[i];
  }
  for (let i = 0; i < n; i++) if (count[i] < k) mtl[i] = 0;
}

/** out = θ0 + scale · merged (rounded to float32 once). */
export function applyScale(out: Float32Array, base: Float32Array, merged: Float64Array, scale: number): void {
  for (let i = 0; i < out.length; i++) out[i] = base[i] + scale * merged[i];
}
