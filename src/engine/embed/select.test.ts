/** The explorer's point budget: balancedIndices (even per group, water-filling, seeded) and selectImages (rows kept, unit rows). */
import { describe, expect, it } from 'vitest';
import type { EmbeddingSets } from './suite-sets';
import { selectImages } from './suite-sets';
import { balancedIndices, subsampleIndices } from './subsample';

describe('subsampleIndices', () => {
  it('subsampleIndices: seeded, ascending, distinct, nested as m grows', () => {
    const a = subsampleIndices(1000, 100, 3);
    expect(a).toEqual(subsampleIndices(1000, 100, 3));
    expect(a).not.toEqual(subsampleIndices(1000, 100, 4));
    expect(new Set(a).size).toBe(100);
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThan(a[i - 1]);
    const big = new Set(subsampleIndices(1000, 300, 3));
    expect([...a].every((i) => big.has(i))).toBe(true);
    expect(subsampleIndices(5, 10, 1)).toEqual(Int32Array.of(0, 1, 2, 3, 4));
  });

  it('takes ⌊m⌋ clamped to [0, n], and every index equally often over seeds (a uniform draw)', () => {
    expect(subsampleIndices(10, 2.7, 1).length).toBe(2);
    expect(subsampleIndices(10, -3, 1).length).toBe(0);
    expect(subsampleIndices(0, 5, 1).length).toBe(0);
    const hits = new Array(10).fill(0);
    for (let seed = 0; seed < 2000; seed++) for (const i of subsampleIndices(10, 3, seed)) hits[i]++;
    // Each index with probability 3/10: 600 of 2000, σ ≈ 20.5; ±5σ.
    for (const h of hits) expect(h).toBeGreaterThan(500), expect(h).toBeLessThan(700);
  });
});

describe('balancedIndices', () => {
  it('gives every group the same quota, seeded, ascending and in range', () => {
    const a = balancedIndices([100, 100, 100], 60, 7);
    expect(a.map((x) => x.length)).toEqual([20, 20, 20]);
    expect(balancedIndices([100, 100, 100], 60, 7)).toEqual(a);
    expect(balancedIndices([100, 100, 100], 60, 8)).not.toEqual(a);
    for (const idx of a) {
      expect([...idx]).toEqual([...idx].sort((x, y) => x - y));
      expect(new Set(idx).size).toBe(idx.length);
      expect(idx.every((i) => i >= 0 && i < 100)).toBe(true);
    }
  });

  it('a small group gives all it has and the rest goes to the others; never more than exists', () => {
    expect(balancedIndices([5, 100, 100], 65, 0).map((x) => x.length)).toEqual([5, 30, 30]);
    expect(balancedIndices([5, 0, 7], 1000, 0).map((x) => x.length)).toEqual([5, 0, 7]);
    expect(balancedIndices([10, 10, 10], 2, 0).map((x) => x.length).reduce((s, n) => s + n)).toBe(2);
    expect(balancedIndices([10, 10], 0, 0).map((x) => x.length)).toEqual([0, 0]);
  });

  it('group g draws its quota with seed + g, and fractional or negative totals are floored at 0', () => {
    const a = balancedIndices([50, 40, 30], 30, 5);
    a.forEach((idx, g) => expect(idx).toEqual(subsampleIndices([50, 40, 30][g], 10, 5 + g)));
    expect(balancedIndices([4, 4], 3.9, 0).map((x) => x.length).reduce((s, n) => s + n)).toBe(3);
    expect(balancedIndices([4, 4], -2, 0).map((x) => x.length)).toEqual([0, 0]);
    // Water-filling over several rounds: 3 and 5 are exhausted, 20 takes the rest.
    expect(balancedIndices([3, 5, 20], 24, 0).map((x) => x.length)).toEqual([3, 5, 16]);
  });
});

describe('selectImages', () => {
  // 2 tasks: task 0 has rows 0..2, task 1 rows 3..4; dim 2.
  const e: EmbeddingSets = {
    sets: [{ key: 'experts', label: 'Experts', n: 5, dim: 2, z: Float32Array.from([3, 4, 1, 0, 0, 2, 5, 0, 0, 0]) }],
    tasks: Int32Array.from([0, 0, 0, 1, 1]),
    indices: Int32Array.from([0, 1, 2, 0, 1]),
    labels: Int32Array.from([1, 0, 1, 2, 2]),
    predictions: { experts: Int32Array.from([1, 1, 1, 2, 0]) },
    taskNames: ['a', 'b'],
    classNames: [['x', 'y'], ['p', 'q', 'r']],
  };

  it('keeps the chosen images of each task in order, with their labels, predictions and unit rows (zero rows stay zero)', () => {
    const s = selectImages(e, [Int32Array.from([0, 2]), Int32Array.from([1])]);
    expect([...s.tasks]).toEqual([0, 0, 1]);
    expect([...s.indices]).toEqual([0, 2, 1]);
    expect([...s.labels]).toEqual([1, 1, 2]);
    expect([...s.predictions.experts]).toEqual([1, 1, 0]);
    expect(s.sets[0].n).toBe(3);
    expect([...s.sets[0].z]).toEqual([0.6, 0.8, 0, 1, 0, 0].map(Math.fround));
    expect([...e.sets[0].z.subarray(0, 2)]).toEqual([3, 4]); // the input is untouched
  });
});
