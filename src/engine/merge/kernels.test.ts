/** TIES election and disjoint merge, TALL/consensus masks, on hand-made task vectors. */
import { describe, expect, it } from 'vitest';
import type { Rng } from '../random';
import { applyScale, classifyDeferred, consensusFilter, dareDrop, disjointMerge, electSigns, firstDifference, selectedEntries, signSum, tallMask, taskArithmetic, taskVector, trimAndSum } from './kernels';

const f32 = (a: number[]) => Float32Array.from(a);
const bitsOf = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];

// Three tasks, five entries (columns). Untrimmed sums S: 2, −2, 0 (an exact cancellation), 0, 4.5.
const taus = [f32([3, -4, 2, 0, 0.5]), f32([1, 1, -2, 0, 5]), f32([-2, 1, 0, 0, -1])];
const thr = [0, 0, 0]; // no trim

const scratch = (n: number) => ({ kept: taus.map(() => new Float32Array(n)), S: new Float64Array(n), pos: new Uint8Array(n), merged: new Float64Array(n), count: new Uint16Array(n) });

describe('TIES kernels', () => {
  it('trims per task, elects by mass and merges the agreeing entries: dis-sum vs dis-mean', () => {
    const n = 5;
    const { kept, S, pos, merged, count } = scratch(n);
    const trimmed = [0, bitsOf(4.9), 0]; // task 1 keeps |τ| ≥ 4.9 only: its 5 stays, its 1, 1, −2 go
    trimAndSum(kept, S, taus, trimmed, n);
    expect(kept.map((k) => Array.from(k))).toEqual([[3, -4, 2, 0, 0.5], [0, 0, 0, 0, 5], [-2, 1, 0, 0, -1]]);
    expect(Array.from(S)).toEqual([1, -3, 2, 0, 4.5]);
    expect(signSum(S, n)).toBe(2); // + − + 0 +

    electSigns(pos, S, 1, n);
    expect(Array.from(pos)).toEqual([1, 0, 1, 1, 1]);
    disjointMerge(merged, count, kept, pos, 'sum', n);
    expect(Array.from(merged)).toEqual([3, -4, 2, 0, 5.5]);
    expect(Array.from(count)).toEqual([1, 1, 1, 0, 2]);
    disjointMerge(merged, count, kept, pos, 'mean', n);
    expect(Array.from(merged)).toEqual([3, -4, 2, 0, 2.75]);
  });

  it('gives exact-zero elections the majority sign G (G = 0 selects negatives, as torch.where does)', () => {
    const n = 5;
    const { kept, S, pos, merged, count } = scratch(n);
    trimAndSum(kept, S, taus, thr, n);
    expect(S[2]).toBe(0);
    for (const [G, want] of [[1, 2], [-1, -2], [0, -2]]) {
      electSigns(pos, S, G, n);
      disjointMerge(merged, count, kept, pos, 'sum', n);
      expect(merged[2], `G = ${G}`).toBe(want);
    }
  });

  it('selected entries are the kept, sign-agreeing τt (they sum to the dis-sum merge)', () => {
    const n = 5;
    const { kept, S, pos } = scratch(n);
    trimAndSum(kept, S, taus, thr, n);
    electSigns(pos, S, 1, n);
    const sel = kept.map((k) => {
      const out = new Float32Array(n);
      selectedEntries(out, k, pos, 0, n);
      return Array.from(out);
    });
    expect(sel).toEqual([[3, -4, 2, 0, 0.5], [1, 0, 0, 0, 5], [0, 0, 0, 0, 0]]);
  });

  it('trims by magnitude whatever the sign, keeping entries exactly at the threshold', () => {
    const { kept, S } = scratch(4);
    const one = [f32([-0.5, 0.25, -0.25, 0.125])];
    trimAndSum([kept[0]], S, one, [bitsOf(0.25)], 4);
    expect(Array.from(kept[0])).toEqual([-0.5, 0.25, -0.25, 0]);
    trimAndSum([kept[0]], S, one, [0x7f800001], 4); // above every finite magnitude: keep nothing
    expect(Array.from(kept[0])).toEqual([0, 0, 0, 0]);
  });
});

describe('TALL and consensus masks', () => {
  it('mask = |τt| > λt·|τ_MTL − τt|, consensus keeps entries at least k masks select', () => {
    const n = 3;
    const t = [f32([1, 0.1, -2]), f32([1, 3, 0])];
    const mtl = Float64Array.from([2, 3.1, -2]); // Σt τt
    const mask = new Uint8Array(n);
    tallMask(mask, t[0], mtl, 0.6, n);
    expect(Array.from(mask)).toEqual([1, 0, 1]); // 1 > 0.6·1; 0.1 < 0.6·3; 2 > 0
    tallMask(mask, t[1], mtl, 0.6, n);
    expect(Array.from(mask)).toEqual([1, 1, 0]); // 1 > 0.6; 3 > 0.06; 0 > 1.2 is false
    const kept = Float64Array.from(mtl);
    consensusFilter(kept, t, 0.6, 2, mask, new Uint16Array(n), n);
    expect(Array.from(kept)).toEqual([2, 0, 0]);
  });
});

/** An Rng that returns the given uniforms in turn (only next() is used by dareDrop). */
const uniforms = (u: number[]): Rng => {
  let i = 0;
  return { next: () => u[i++], normal: () => 0, int: () => 0, shuffle: (a) => a, fork() { return this; } };
};

describe('element-wise kernels on hand-worked numbers', () => {
  it('taskVector: τ = θt − θ0 on [start, start + m), the chunk index of the first non-finite τ', () => {
    const base = f32([9, 1, 2, 3, 4]);
    const tau = new Float32Array(3);
    expect(taskVector(tau, f32([9, 1.5, 0, 3, 9]), base, 1, 3)).toBe(-1);
    expect(Array.from(tau)).toEqual([0.5, -2, 0]);
    expect(taskVector(tau, f32([0, 1, Infinity, NaN, 4]), base, 1, 3)).toBe(1); // NaN later: the first one counts
    expect(taskVector(tau, f32([0, NaN, 2, 3, 4]), base, 1, 3)).toBe(0);
  });

  it('firstDifference: the first index where the floats differ, −1 when none (0 and −0 are equal)', () => {
    expect(firstDifference(f32([1, 2, 3]), f32([1, 2, 3]))).toBe(-1);
    expect(firstDifference(f32([1, 2, 3]), f32([1, 5, 4]))).toBe(1);
    expect(firstDifference(f32([0, 7]), f32([-0, 8]))).toBe(1);
  });

  it('taskArithmetic: θ0 + scale · Σt τt for 5 experts (a group of 4, then 1), on an offset chunk; the first non-finite output', () => {
    const base = f32([100, 1, 2]);
    const experts = [f32([0, 2, 2]), f32([0, 1, 3]), f32([0, 0, 2]), f32([0, 1, 5]), f32([0, 4, 2])]; // τ at 1: 1, 0, −1, 0, 3; at 2: 0, 1, 0, 3, 0
    const out = f32([-1, -1, -1]);
    expect(taskArithmetic(out, base, experts, 0.5, new Float64Array(2), 1, 2)).toBe(-1);
    expect(Array.from(out)).toEqual([-1, 1 + 0.5 * 3, 2 + 0.5 * 4]);
    const inf = [f32([0, 1, 0]), f32([0, Infinity, 0])];
    expect(taskArithmetic(out, f32([0, 0, 0]), inf, 1, new Float64Array(3), 0, 3)).toBe(1);
    expect(taskArithmetic(out, f32([0, 0, 0]), inf, 1, new Float64Array(2), 1, 2)).toBe(1); // an index into out, not the chunk
  });

  it('dareDrop: drops where the uniform is below p, scales the rest by 1/(1 − p) only with rescale', () => {
    const tau = f32([1, 2, 3, 4, 5]);
    dareDrop(tau, 4, 0.25, true, uniforms([0.1, 0.25, 0.9, 0.2499])); // the 5th entry is outside m
    expect(Array.from(tau)).toEqual([0, 2 / 0.75, 3 / 0.75, 0, 5].map(Math.fround));
    const plain = f32([1, 2]);
    dareDrop(plain, 2, 0.5, false, uniforms([0.7, 0.3]));
    expect(Array.from(plain)).toEqual([1, 0]);
  });

  it('applyScale: out[start + i] = θ0 + scale · merged[i]', () => {
    const out = f32([7, 7, 7]);
    applyScale(out, f32([0, 1, -1]), Float64Array.from([4, -2]), 0.25, 1, 2);
    expect(Array.from(out)).toEqual([7, 1 + 0.25 * 4, -1 + 0.25 * -2]);
  });

  it('signSum skips flagged entries; electSigns gives exact zeros the majority sign', () => {
    const S = Float64Array.from([2, -3, 0, 5, 1]);
    expect(signSum(S, 5)).toBe(2);
    expect(signSum(S, 5, Uint8Array.from([0, 1, 0, 0, 0]))).toBe(3);
    expect(signSum(S, 5, Uint8Array.from([1, 0, 0, 1, 1]))).toBe(-1);
    expect(signSum(S, 3)).toBe(0); // only the first m entries
    const pos = new Uint8Array(5);
    electSigns(pos, S, 3, 5);
    expect(Array.from(pos)).toEqual([1, 0, 1, 1, 1]);
    electSigns(pos, S, -3, 5);
    expect(Array.from(pos)).toEqual([1, 0, 0, 1, 1]);
  });

  it('classifyDeferred lists flagged entries and exact cancellations, and sums sign(S) over the rest', () => {
    // Entry 0 flagged; 1: S = 0 with kept values (a cancellation); 2: S = 0, nothing kept; 3: S > 0; 4: S < 0.
    const kept = [f32([1, 2, 0, 1, -1]), f32([0, -2, 0, 0, 0])];
    const S = Float64Array.from([1, 0, 0, 1, -1]);
    const list = new Uint32Array(5);
    expect(classifyDeferred(list, Uint8Array.from([1, 0, 0, 0, 0]), S, kept, 5)).toEqual({ listed: 2, signs: 0 });
    expect(Array.from(list.subarray(0, 2))).toEqual([0, 1]);
    expect(classifyDeferred(list, new Uint8Array(5), Float64Array.from([3, 0, 0, 2, 1]), kept, 5)).toEqual({ listed: 1, signs: 3 });
    expect(list[0]).toBe(1);
  });

  it('consensusFilter with k = 0 keeps everything; k = 3 (more than any entry has) keeps nothing', () => {
    const t = [f32([1, 0.1, -2]), f32([1, 3, 0])];
    const mtl = () => Float64Array.from([2, 3.1, -2]);
    const all = mtl();
    consensusFilter(all, t, 0.6, 0, new Uint8Array(3), new Uint16Array(3), 3);
    expect(Array.from(all)).toEqual([2, 3.1, -2]);
    const one = mtl();
    consensusFilter(one, t, 0.6, 1, new Uint8Array(3), new Uint16Array(3), 3); // masks [1,0,1] and [1,1,0]: every entry has one
    expect(Array.from(one)).toEqual([2, 3.1, -2]);
    const none = mtl();
    consensusFilter(none, t, 0.6, 3, new Uint8Array(3), new Uint16Array(3), 3);
    expect(Array.from(none)).toEqual([0, 0, 0]);
  });

  it('tallMask is strict: |τt| equal to λt·|τ_MTL − τt| is not selected', () => {
    const mask = new Uint8Array(2);
    tallMask(mask, f32([1, 1]), Float64Array.from([3, 2.9]), 0.5, 2); // 1 > 0.5·2 is false; 1 > 0.5·1.9 is true
    expect(Array.from(mask)).toEqual([0, 1]);
  });
});

describe('kernels touch only their chunk', () => {
  it('leave every entry past m (and past start + m) as it was', () => {
    const SENT = 77;
    const m = 2;
    const f32s = (n: number) => new Float32Array(n).fill(SENT);
    const f64s = (n: number) => new Float64Array(n).fill(SENT);
    const taus = [f32([1, -2, 5]), f32([3, 4, -6])];

    const acc = f64s(3);
    const out = f32s(4);
    taskArithmetic(out, f32([0, 0, 0, 0]), [f32([0, 1, 2, 9]), f32([0, 1, 2, 9]), f32([0, 1, 2, 9]), f32([0, 1, 2, 9]), f32([0, 1, 2, 9])], 1, acc, 1, m);
    expect([acc[2], out[0], out[3]]).toEqual([SENT, SENT, SENT]);
    expect(Array.from(out.subarray(1, 3))).toEqual([5, 10]);

    const kept = [f32s(3), f32s(3)];
    const S = f64s(3);
    trimAndSum(kept, S, taus, [0, 0], m);
    expect([kept[0][2], kept[1][2], S[2]]).toEqual([SENT, SENT, SENT]);

    const pos = new Uint8Array(3).fill(SENT);
    electSigns(pos, Float64Array.from([1, 0, 0]), 1, m);
    expect(Array.from(pos)).toEqual([1, 1, SENT]);

    const merged = f64s(3);
    const count = new Uint16Array(3).fill(SENT);
    disjointMerge(merged, count, [f32([2, 4, 8])], Uint8Array.from([1, 1, 1]), 'mean', m);
    expect([merged[2], count[2]]).toEqual([SENT, SENT]);

    const sel = f32s(4);
    selectedEntries(sel, f32([2, -3, 4]), Uint8Array.from([1, 1, 1]), 1, m); // −3 disagrees with the elected +
    expect(Array.from(sel)).toEqual([SENT, 2, 0, SENT]);

    const mask = new Uint8Array(3).fill(SENT);
    tallMask(mask, f32([1, 1, 1]), Float64Array.from([1, 1, 1]), 0.5, m);
    expect(Array.from(mask)).toEqual([1, 1, SENT]);

    const mtl = Float64Array.from([4, -1, 9]);
    const cnt = new Uint16Array(3).fill(SENT);
    // The mask scratch is set past m and k exceeds the sentinel count: counting entry m (77 + 2 masks)
    // or filtering it (77 < 78) would show. Every entry in the chunk has at most 2 masks: zeroed.
    consensusFilter(mtl, taus, 0.6, SENT + 1, new Uint8Array(3).fill(1), cnt, m);
    expect(Array.from(mtl)).toEqual([0, 0, 9]);
    expect(cnt[2]).toBe(SENT);
  });

  it('report the FIRST non-finite entry when there are several (also at index 0)', () => {
    const base = f32([0, 0, 0]);
    expect(taskVector(new Float32Array(3), f32([NaN, 1, Infinity]), base, 0, 3)).toBe(0);
    expect(taskArithmetic(new Float32Array(3), base, [f32([Infinity, 1, -Infinity])], 1, new Float64Array(3), 0, 3)).toBe(0);
    expect(taskArithmetic(new Float32Array(3), base, [f32([1, Infinity, -Infinity])], 1, new Float64Array(3), 0, 3)).toBe(1);
  });
});
