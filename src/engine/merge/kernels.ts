/**
 * Element-wise kernels of the generalised task-arithmetic routine. They work on one chunk of a
 * parameter tensor at a time: entries [start, start + m) of the full-size inputs (θ0, θt, out)
 * and entries [0, m) of small chunk-sized scratch arrays (τt, sums, masks) that stay in cache.
 * Task vectors τt are float32 (θt − θ0 rounded as PyTorch does); sums over tasks run in float64 in
 * task order, and each output is rounded to float32 once. "Kept" means not trimmed: |τ| as float32
 * bits ≥ the task's threshold bits (0 keeps everything).
 */
import type { Rng } from '../random';

export const bitsOf = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** τ[0, m) = θt − θ0 on [start, start + m) (float32). Returns the chunk index of the first non-finite τ, or −1. */
export function taskVector(tau: Float32Array, theta: Float32Array, base: Float32Array, start: number, m: number): number {
  let bad = -1;
  for (let i = 0; i < m; i++) {
    const d = theta[start + i] - base[start + i];
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

/** DARE in place on τ[0, m): each entry dropped with probability p, kept ones scaled by 1/(1 − p) if rescale. */
export function dareDrop(tau: Float32Array, m: number, p: number, rescale: boolean, rng: Rng): void {
  const gain = rescale ? 1 / (1 - p) : 1;
  for (let i = 0; i < m; i++) tau[i] = rng.next() < p ? 0 : tau[i] * gain;
}

/**
 * Task Arithmetic fast path on [start, start + m): out = θ0 + scale · Σt (θt − θ0), τ rounded to
 * float32 as in taskVector, without materialising τ. `acc` is scratch (≥ m). Returns the index of
 * the first non-finite output, or −1.
 */
export function taskArithmetic(out: Float32Array, base: Float32Array, experts: readonly Float32Array[], scale: number, acc: Float64Array, start: number, m: number): number {
  acc.fill(0, 0, m);
  let t = 0;
  for (; t + 4 <= experts.length; t += 4) add4(acc, base, experts[t], experts[t + 1], experts[t + 2], experts[t + 3], start, m);
  for (; t < experts.length; t++) add1(acc, base, experts[t], start, m);
  let bad = -1;
  for (let i = 0; i < m; i++) {
    const o = base[start + i] + scale * acc[i];
    out[start + i] = o;
    if (o - o !== 0 && bad < 0) bad = start + i;
  }
  return bad;
}

function add4(acc: Float64Array, base: Float32Array, a: Float32Array, b: Float32Array, c: Float32Array, d: Float32Array, start: number, m: number): void {
  const f = Math.fround;
  for (let i = 0, j = start; i < m; i++, j++) {
    const z = base[j];
    acc[i] = acc[i] + f(a[j] - z) + f(b[j] - z) + f(c[j] - z) + f(d[j] - z);
  }
}

function add1(acc: Float64Array, base: Float32Array, a: Float32Array, start: number, m: number): void {
  const f = Math.fround;
  for (let i = 0, j = start; i < m; i++, j++) acc[i] = acc[i] + f(a[j] - base[j]);
}

/*
 * TIES kernels are branch-free: whether an entry survives the trim or agrees with the elected sign
 * is a coin flip per entry, and mispredicted branches cost more than the arithmetic (2× measured).
 * Integer tricks on float32 bits: for a, b < 2³¹, ((a − b) >>> 31) is 1 iff a < b;
 * ((a + 0x7fffffff) >>> 31) is 1 iff a ≠ 0.
 */

/** kept[t] = τt where its magnitude bits are ≥ thr[t], else 0; S[0, m) = Σt kept[t] (the election mass). */
export function trimAndSum(kept: readonly Float32Array[], S: Float64Array, taus: readonly Float32Array[], thr: readonly number[], m: number): void {
  S.fill(0, 0, m);
  for (let t = 0; t < taus.length; t++) {
    const tau = taus[t];
    const k = kept[t];
    const u = bitsOf(tau);
    const th = thr[t];
    for (let i = 0; i < m; i++) {
      const v = tau[i] * (1 - (((u[i] & 0x7fffffff) - th) >>> 31)) + 0; // + 0 turns −0 into 0
      k[i] = v;
      S[i] += v;
    }
  }
}

/** Σi sign(S[i]) (over entries whose `skip` flag is 0, when given): this chunk's share of the model-wide majority sign. */
export function signSum(S: Float64Array, m: number, skip?: Uint8Array): number {
  let s = 0;
  if (skip) for (let i = 0; i < m; i++) s += (+(S[i] > 0) - +(S[i] < 0)) * (1 - skip[i]);
  else for (let i = 0; i < m; i++) s += +(S[i] > 0) - +(S[i] < 0);
  return s;
}

/**
 * Elected sign per entry, as the TIES reference: pos = 1 for sign(S) > 0, 0 for < 0, and exact zeros
 * take the model-wide majority sign G (G = 0 elects negatives, like torch.where(sign > 0, τ > 0, τ < 0)).
 */
export function electSigns(pos: Uint8Array, S: Float64Array, G: number, m: number): void {
  const g = G > 0 ? 1 : 0;
  for (let i = 0; i < m; i++) pos[i] = +(S[i] > 0) | (+(S[i] === 0) & g);
}

/** 1 when kept entry bits b are non-zero and their sign agrees with the elected one (pos), else 0. */
const agrees = (b: number, pos: number) => ((b >>> 31) ^ pos) & (((b & 0x7fffffff) + 0x7fffffff) >>> 31);

/**
 * Disjoint merge: merged[i] = Σ of kept τt[i] agreeing with the elected sign ('sum'), or that sum
 * over their count ('mean', count ≥ 1). `count` is scratch.
 */
export function disjointMerge(merged: Float64Array, count: Uint16Array, kept: readonly Float32Array[], pos: Uint8Array, aggregate: 'sum' | 'mean', m: number): void {
  merged.fill(0, 0, m);
  count.fill(0, 0, m);
  for (const k of kept) {
    const u = bitsOf(k);
    for (let i = 0; i < m; i++) {
      const w = agrees(u[i], pos[i]);
      merged[i] += k[i] * w;
      count[i] += w;
    }
  }
  if (aggregate === 'mean') for (let i = 0; i < m; i++) merged[i] /= count[i] > 1 ? count[i] : 1;
}

/** TIES "selected entries" of one task into out[start, start + m): its kept τ where it agrees with the elected sign, else 0. */
export function selectedEntries(out: Float32Array, kept: Float32Array, pos: Uint8Array, start: number, m: number): void {
  const u = bitsOf(kept);
  for (let i = 0; i < m; i++) out[start + i] = kept[i] * agrees(u[i], pos[i]) + 0;
}

/**
 * Deferred TIES bookkeeping (deferred-ties.ts): writes into list the indices in [0, m) settled
 * later — flags[i] set (undecided trim), or S[i] = 0 with some kept τ non-zero (an exact
 * cancellation) — and returns how many, with Σ sign(S) over the unflagged entries.
 */
export function classifyDeferred(list: Uint32Array, flags: Uint8Array, S: Float64Array, kept: readonly Float32Array[], m: number): { listed: number; signs: number } {
  let listed = 0;
  let signs = 0;
  for (let i = 0; i < m; i++) {
    if (flags[i]) { list[listed++] = i; continue; }
    const s = S[i];
    signs += +(s > 0) - +(s < 0);
    if (s === 0 && kept.some((k) => k[i] !== 0)) list[listed++] = i;
  }
  return { listed, signs };
}

/** TALL mask of one task: mask[i] = 1{|τt[i]| > λt·|τ_MTL[i] − τt[i]|}. */
export function tallMask(mask: Uint8Array, tau: Float32Array, mtl: Float64Array, lambdaT: number, m: number): void {
  for (let i = 0; i < m; i++) mask[i] = Math.abs(tau[i]) > lambdaT * Math.abs(mtl[i] - tau[i]) ? 1 : 0;
}

/** Consensus: zeroes τ_MTL where fewer than k TALL masks are set. `mask`, `count` are scratch. */
export function consensusFilter(mtl: Float64Array, taus: readonly Float32Array[], lambdaT: number, k: number, mask: Uint8Array, count: Uint16Array, m: number): void {
  count.fill(0, 0, m);
  for (const tau of taus) {
    tallMask(mask, tau, mtl, lambdaT, m);
    for (let i = 0; i < m; i++) count[i] += mask[i];
  }
  for (let i = 0; i < m; i++) if (count[i] < k) mtl[i] = 0;
}

/** out = θ0 + scale · merged on [start, start + m) (rounded to float32 once). */
export function applyScale(out: Float32Array, base: Float32Array, merged: Float64Array, scale: number, start: number, m: number): void {
  for (let i = 0; i < m; i++) out[start + i] = base[start + i] + scale * merged[i];
}
