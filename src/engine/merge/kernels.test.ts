/** TIES election and disjoint merge, TALL/consensus masks, on hand-made task vectors. */
import { describe, expect, it } from 'vitest';
import { consensusFilter, disjointMerge, electSigns, selectedEntries, signSum, tallMask, trimAndSum } from './kernels';

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
