/** TIES election and disjoint merge, TALL/consensus masks, on hand-made task vectors. */
import { describe, expect, it } from 'vitest';
import { consensusFilter, disjointMerge, keptSum, selectedEntries, signSum, tallMask } from './kernels';

const f32 = (a: number[]) => Float32Array.from(a);
const bitsOf = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];

// Three tasks, five entries (columns). Untrimmed sums S: 2, −2, 0 (an exact cancellation), 0, 4.5.
const taus = [f32([3, -4, 2, 0, 0.5]), f32([1, 1, -2, 0, 5]), f32([-2, 1, 0, 0, -1])];
const thr = [0, 0, 0]; // no trim

describe('TIES kernels', () => {
  it('elects by mass and merges the agreeing entries: dis-sum vs dis-mean', () => {
    const n = 5;
    const S = new Float64Array(n);
    const trimmed = [0, bitsOf(4.9), 0]; // task 1 keeps |τ| ≥ 4.9 only: its 5 stays, its 1, 1, −2 go
    keptSum(S, taus, trimmed, n);
    expect(Array.from(S)).toEqual([1, -3, 2, 0, 4.5]);
    expect(signSum(S, n)).toBe(2); // + − + 0 +

    const merged = new Float64Array(n);
    const count = new Uint16Array(n);
    disjointMerge(merged, S, taus, trimmed, 1, 'sum', count, n);
    expect(Array.from(merged)).toEqual([3, -4, 2, 0, 5.5]);
    disjointMerge(merged, S, taus, trimmed, 1, 'mean', count, n);
    expect(Array.from(merged)).toEqual([3, -4, 2, 0, 2.75]);
  });

  it('gives exact-zero elections the majority sign G (G = 0 selects negatives, as torch.where does)', () => {
    const n = 5;
    const S = new Float64Array(n);
    keptSum(S, taus, thr, n);
    expect(S[2]).toBe(0);
    const merged = new Float64Array(n);
    const count = new Uint16Array(n);
    for (const [G, want] of [[1, 2], [-1, -2], [0, -2]]) {
      disjointMerge(merged, S, taus, thr, G, 'sum', count, n);
      expect(merged[2], `G = ${G}`).toBe(want);
    }
  });

  it('selected entries are the kept, sign-agreeing τt (they sum to the dis-sum merge)', () => {
    const n = 5;
    const S = new Float64Array(n);
    keptSum(S, taus, thr, n);
    const sel = taus.map((tau, t) => {
      const out = new Float32Array(n);
      selectedEntries(out, tau, thr[t], S, 1);
      return Array.from(out);
    });
    expect(sel).toEqual([[3, -4, 2, 0, 0.5], [1, 0, 0, 0, 5], [0, 0, 0, 0, 0]]);
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
