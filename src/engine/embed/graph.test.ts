import * as tf from '@tensorflow/tfjs';
import { UMAP } from 'umap-js';
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { fuzzySimplicialSet, smoothKnnDistances } from './fuzzy-graph';
import { exactKnn, type Knn } from './knn';
import { approximatePow } from './layout';

describe('exact kNN', () => {
  it('matches a brute-force search, lists each point first, and leaks no tensors', () => {
    const n = 257, d = 6, k = 7; // 257: the last block is partial
    const rng = createRng(4);
    const x = Float32Array.from({ length: n * d }, () => rng.normal());
    const before = tf.memory().numTensors;
    const knn = exactKnn(x, n, d, k, undefined, 64);
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < n; i++) {
      const dist = Array.from({ length: n }, (_, j) => [Math.hypot(...Array.from({ length: d }, (_, c) => x[i * d + c] - x[j * d + c])), j]).sort((a, b) => a[0] - b[0]);
      expect(knn.indices[i * k]).toBe(i);
      expect(knn.distances[i * k]).toBe(0);
      expect([...knn.indices.subarray(i * k + 1, (i + 1) * k)]).toEqual(dist.slice(1, k).map((p) => p[1]));
      for (let j = 1; j < k; j++) expect(knn.distances[i * k + j]).toBeCloseTo(dist[j][0], 4);
    }
  });

  it('reports progress per block and rejects k > n', () => {
    const seen: number[] = [];
    exactKnn(new Float32Array(10 * 2).map((_, i) => i), 10, 2, 3, (done) => seen.push(done), 4);
    expect(seen).toEqual([4, 8, 10]);
    expect(() => exactKnn(new Float32Array(4), 2, 2, 3)).toThrow(RangeError);
  });
});

describe('exact kNN by hand', () => {
  it('points 0, 1, 3, 6 and a duplicate of 3 on a line: self first, the duplicate next at exactly 0', () => {
    const x = Float32Array.of(0, 1, 3, 6, 3); // [5, 1]
    const knn = exactKnn(x, 5, 1, 3, undefined, 2);
    const rows = (a: ArrayLike<number>) => Array.from({ length: 5 }, (_, i) => Array.from({ length: 3 }, (_, j) => a[i * 3 + j]));
    expect(rows(knn.indices)).toEqual([[0, 1, 2], [1, 0, 2], [2, 4, 1], [3, 2, 4], [4, 2, 1]].map((r, i) => (i === 3 ? [3, expect.any(Number), expect.any(Number)] : r)));
    expect(new Set(knn.indices.subarray(9, 12))).toEqual(new Set([3, 2, 4])); // 6's nearest: 3 and its duplicate, a tie
    expect(rows(knn.distances)).toEqual([[0, 1, 3], [0, 1, 2], [0, 0, 2], [0, 3, 3], [0, 0, 2]]);
  });

  it('k = 1 lists only the point itself; k = 0 and a wrong shape are refused', () => {
    const knn = exactKnn(Float32Array.of(0, 0, 1, 1), 2, 2, 1);
    expect([...knn.indices]).toEqual([0, 1]);
    expect([...knn.distances]).toEqual([0, 0]);
    expect(() => exactKnn(Float32Array.of(0, 0), 2, 1, 0)).toThrow(RangeError);
    expect(() => exactKnn(Float32Array.of(0, 0, 0), 2, 1, 1)).toThrow(RangeError);
  });
});

/** kNN lists by hand: 4 points on a line at 0, 1, 3, 6, k = 3 (self first). */
const line: Knn = {
  n: 4, k: 3,
  indices: Int32Array.of(0, 1, 2, 1, 0, 2, 2, 1, 0, 3, 2, 1),
  distances: Float32Array.of(0, 1, 3, 0, 1, 2, 0, 2, 3, 0, 3, 5),
};

describe('fuzzy simplicial set', () => {
  it('ρ is the nearest distance and σ solves Σ exp(−(d − ρ)/σ) = log2 k', () => {
    const { rho, sigma } = smoothKnnDistances(line);
    expect([...rho]).toEqual([1, 1, 2, 3]);
    for (let i = 0; i < 4; i++) {
      let s = 0;
      for (let j = 1; j < 3; j++) s += Math.exp(-Math.max(0, line.distances[i * 3 + j] - rho[i]) / sigma[i]);
      expect(s).toBeCloseTo(Math.log2(3), 4);
    }
  });

  it('is the fuzzy union w + wᵀ − w∘wᵀ, symmetric, every edge twice, weights in (0, 1]', () => {
    const { sigma } = smoothKnnDistances(line);
    const w = (i: number, j: number) => { // i's membership of j, by hand
      const row = [...line.indices.subarray(i * 3, i * 3 + 3)];
      const q = row.indexOf(j);
      if (q <= 0) return 0;
      const rho = line.distances[i * 3 + 1];
      return Math.exp(-Math.max(0, line.distances[i * 3 + q] - rho) / sigma[i]);
    };
    const g = fuzzySimplicialSet(line);
    const edges = new Map<string, number>();
    for (let e = 0; e < g.head.length; e++) edges.set(`${g.head[e]}-${g.tail[e]}`, g.weight[e]);
    expect(edges.size).toBe(g.head.length); // no duplicates
    const pairs = [[0, 1], [0, 2], [1, 2], [2, 3], [1, 3]];
    expect(edges.size).toBe(2 * pairs.length);
    for (const [i, j] of pairs) {
      const expected = w(i, j) + w(j, i) - w(i, j) * w(j, i);
      expect(edges.get(`${i}-${j}`)).toBeCloseTo(expected, 6);
      expect(edges.get(`${j}-${i}`)).toBe(edges.get(`${i}-${j}`));
    }
    expect(edges.get('0-1')).toBe(1); // mutual nearest neighbours
    for (const v of g.weight) expect(v > 0 && v <= 1).toBe(true);
  });
});

describe('approximate pow', () => {
  it('is within 6 % of Math.pow over 1e-6 … 1e6 for the exponents UMAP uses', () => {
    for (const b of [0.5, 0.8942, 1, 1.5, 1.93]) {
      const pow = approximatePow(b);
      for (let e = -6; e <= 6; e += 0.01) {
        const x = 10 ** e;
        expect(Math.abs(pow(x) / x ** b - 1), `${x}^${b}`).toBeLessThan(0.06);
      }
    }
  });
});

describe('fuzzy simplicial set against umap-js 1.4 (an independent implementation of the same steps)', () => {
  /** Points with every hard case: duplicates (zero distances past self), a grid (ties, so σ hits its floor), a stack of identical points (a row of zeros), an outlier. */
  function awkwardPoints(): { x: Float32Array; n: number } {
    const rng = createRng(21);
    const pts: number[][] = [];
    for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) pts.push([a, b]); // grid: 4 neighbours at distance 1
    for (let i = 0; i < 12; i++) pts.push([10 + rng.normal(), -5 + rng.normal()]);
    pts.push([10.5, -5.5], [10.5, -5.5]); // a duplicate pair
    for (let i = 0; i < 7; i++) pts.push([-20, 20]); // seven identical points: k = 6 sees only zeros
    pts.push([400, 400]); // far outlier
    return { x: Float32Array.from(pts.flat()), n: pts.length };
  }

  const umapOf = (knn: Knn) => {
    const rows = (a: ArrayLike<number>) => Array.from({ length: knn.n }, (_, i) => Array.from({ length: knn.k }, (_, j) => a[i * knn.k + j]));
    const u = new UMAP({ nNeighbors: knn.k }) as unknown as {
      knnIndices: number[][]; knnDistances: number[][];
      smoothKNNDistance(d: number[][], k: number): { sigmas: number[]; rhos: number[] };
      fuzzySimplicialSet(x: unknown[], k: number): { get(r: number, c: number, d?: number): number; getAll(): { row: number; col: number; value: number }[] };
    };
    u.knnIndices = rows(knn.indices);
    u.knnDistances = rows(knn.distances);
    return u;
  };

  it('gives the same ρ and σ as umap-js smoothKNNDistance (floors and zero rows included)', () => {
    const { x, n } = awkwardPoints();
    const knn = exactKnn(x, n, 2, 6);
    const u = umapOf(knn);
    const theirs = u.smoothKNNDistance(u.knnDistances, knn.k);
    const ours = smoothKnnDistances(knn);
    for (let i = 0; i < n; i++) {
      expect(ours.rho[i], `ρ ${i}`).toBeCloseTo(theirs.rhos[i], 6);
      expect(ours.sigma[i] / theirs.sigmas[i], `σ ${i}`).toBeCloseTo(1, 6);
    }
    // The cases are really there: some σ at the 1e-3 · mean-distance floor, a row of zeros (ρ 0).
    expect(ours.rho.some((r) => r === 0)).toBe(true);
    expect(Array.from(ours.sigma).some((s, i) => { const row = knn.distances.subarray(i * 6, i * 6 + 6); return Math.abs(s - 1e-3 * row.reduce((a, b) => a + b, 0) / 6) < 1e-12; })).toBe(true);
  });

  it('gives the same symmetric graph as umap-js fuzzySimplicialSet', () => {
    const { x, n } = awkwardPoints();
    const knn = exactKnn(x, n, 2, 6);
    const theirs = umapOf(knn).fuzzySimplicialSet(Array.from({ length: n }, () => []), knn.k);
    const g = fuzzySimplicialSet(knn);
    const ours = new Map<string, number>();
    for (let e = 0; e < g.head.length; e++) {
      const key = `${g.head[e]}-${g.tail[e]}`;
      expect(ours.has(key), `edge ${key} twice`).toBe(false);
      ours.set(key, g.weight[e]);
    }
    const want = new Map(theirs.getAll().filter((e) => e.value !== 0).map((e) => [`${e.row}-${e.col}`, e.value]));
    expect([...ours.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [key, w] of want) expect(ours.get(key), key).toBeCloseTo(w, 6);
  });
});

describe('fuzzy simplicial set: a membership that underflows', () => {
  it('emits no zero-weight edge for a pair whose memberships are both 0 (exp(−999) underflows)', () => {
    // Points 0, 1, −1, 1000, 1001, 1002, 1003 on a line, k = 4, their kNN written out by hand.
    // Row 0 is [0, 1, 1, 1000]: ρ = 1, and the two ties at ρ already sum to log2 4 = 2, so the first
    // bisection step (σ = 1) stops: w(0 → 1000) = exp(−999) = 0 in float64. 1000 does not list 0,
    // so the pair's union is 0: no edge. Every other listed pair has a weight > 0 (rows 1 and 2 need
    // σ ≈ 190 for their far neighbour: w ≈ exp(−998/190) ≈ 0.005), so the graph has exactly the
    // 11 pairs below, each twice.
    const indices = Int32Array.from([
      0, 1, 2, 3, 1, 0, 2, 3, 2, 0, 1, 3, 3, 4, 5, 6, 4, 3, 5, 6, 5, 4, 6, 3, 6, 5, 4, 3,
    ]);
    const distances = Float32Array.from([
      0, 1, 1, 1000, 0, 1, 2, 999, 0, 1, 2, 1001, 0, 1, 2, 3, 0, 1, 1, 2, 0, 1, 1, 2, 0, 1, 2, 3,
    ]);
    const g = fuzzySimplicialSet({ n: 7, k: 4, indices, distances });
    const pairs = new Set<string>();
    for (let e = 0; e < g.head.length; e++) {
      expect(g.weight[e], `${g.head[e]}-${g.tail[e]}`).toBeGreaterThan(0);
      pairs.add(`${Math.min(g.head[e], g.tail[e])}-${Math.max(g.head[e], g.tail[e])}`);
    }
    expect([...pairs].sort()).toEqual(['0-1', '0-2', '1-2', '1-3', '2-3', '3-4', '3-5', '3-6', '4-5', '4-6', '5-6']);
    expect(g.head.length).toBe(22);
  });
});
