// The stratified sample: shares worked out by hand (largest remainder), then properties over
// random label sets — the size, every class present when N ≥ C, each class within one row of its
// proportional share, determinism per seed, uniform choice within a class — and the case it exists
// for: a label-sorted split, whose first N rows are one class.
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { stratifiedCounts, stratifiedSample } from './sample';

const labelsOf = (counts: number[]) => Int32Array.from(counts.flatMap((n, c) => Array(n).fill(c)));
const tally = (labels: Int32Array, idx: Int32Array, C: number) => {
  const t = new Array(C).fill(0);
  for (const i of idx) t[labels[i]]++;
  return t;
};

describe('stratifiedCounts', () => {
  it('gives the shares worked out by hand', () => {
    expect(stratifiedCounts([50, 30, 20], 10)).toEqual([5, 3, 2]);
    // 7 · (0.5, 0.3, 0.2) = 3.5, 2.1, 1.4 → 3, 2, 1 and the one left to the largest remainder (0.5).
    expect(stratifiedCounts([50, 30, 20], 7)).toEqual([4, 2, 1]);
    // 3 of (97, 2, 1): shares 2.91, 0.06, 0.03, but every class is present when N ≥ C.
    expect(stratifiedCounts([97, 2, 1], 3)).toEqual([1, 1, 1]);
    // 2 < 3 classes: plain largest remainder, 1.94 → 2.
    expect(stratifiedCounts([97, 2, 1], 2)).toEqual([2, 0, 0]);
    // 5 of (4, 0, 6): the empty class gets none; 2, 3.
    expect(stratifiedCounts([4, 0, 6], 5)).toEqual([2, 0, 3]);
    expect(stratifiedCounts([4, 0, 6], 50)).toEqual([4, 0, 6]);
  });

  it('sums to N, keeps every class when N ≥ C, and stays within one row of each share (classes under one row get exactly one)', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 300; trial++) {
      const C = 1 + rng.int(40);
      const counts = Array.from({ length: C }, () => 1 + rng.int(rng.next() < 0.2 ? 400 : 30));
      const M = counts.reduce((s, c) => s + c, 0);
      const N = 1 + rng.int(M + 5);
      const a = stratifiedCounts(counts, N);
      expect(a.reduce((s, x) => s + x, 0)).toBe(Math.min(N, M));
      a.forEach((x, c) => expect(x).toBeLessThanOrEqual(counts[c]));
      if (N >= C) a.forEach((x) => expect(x).toBeGreaterThanOrEqual(1));
      const shares = counts.map((c) => (Math.min(N, M) * c) / M);
      // Within one row of the share, unless the minimum of one row per class had to take rows from the others.
      if (N < C || shares.every((t) => t >= 1)) a.forEach((x, c) => expect(Math.abs(x - shares[c])).toBeLessThan(1));
      else shares.forEach((t, c) => { if (t < 1) expect(a[c]).toBe(1); });
    }
  });
});

describe('stratifiedSample', () => {
  it('draws from every class of a label-sorted split, where the first N rows are one class', () => {
    const labels = labelsOf([300, 200, 100, 400]);
    const idx = stratifiedSample(labels, 100, 0);
    expect(tally(labels, idx, 4)).toEqual([30, 20, 10, 40]);
    expect(tally(labels, labels.subarray(0, 100).map((_, i) => i) as unknown as Int32Array, 4)).toEqual([100, 0, 0, 0]);
  });

  it('is sorted, without repeats, deterministic per seed and different across seeds', () => {
    const rng = createRng(5);
    const labels = Int32Array.from({ length: 997 }, () => rng.int(13));
    const a = stratifiedSample(labels, 120, 7);
    expect(a.length).toBe(120);
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThan(a[i - 1]);
    expect(Array.from(stratifiedSample(labels, 120, 7))).toEqual(Array.from(a));
    expect(Array.from(stratifiedSample(labels, 120, 8))).not.toEqual(Array.from(a));
    expect(Array.from(stratifiedSample(labels, 5000, 7))).toEqual(Array.from({ length: 997 }, (_, i) => i));
  });

  it('chooses rows within a class uniformly', () => {
    const labels = labelsOf([10, 10]);
    const hits = new Array(20).fill(0);
    const seeds = 4000;
    for (let s = 0; s < seeds; s++) for (const i of stratifiedSample(labels, 6, s)) hits[i]++;
    // Each class gets 3 of its 10 rows: every row is picked with probability 0.3 (± 4 standard errors).
    const se = Math.sqrt((0.3 * 0.7) / seeds);
    for (const h of hits) expect(Math.abs(h / seeds - 0.3)).toBeLessThan(4 * se);
  });
});
