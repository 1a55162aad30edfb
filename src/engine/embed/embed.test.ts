import * as tf from '@tensorflow/tfjs';
import { UMAP } from 'umap-js';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../errors';
import { createRng } from '../random';
import { LayoutCache, layoutKey } from './cache';
import { EmbedInputError, type EmbedProgress, embedFeatures, type FeatureSet, layoutImages, UmapEmbedding } from './embed';
import { estimateLayoutSeconds } from './estimate';

/** `sets` feature sets of n images in C clusters (d-dim); set s drifts by s · drift along a second centre. */
function clustered(n: number, d: number, C: number, sets: number, seed: number, drift = 0.3) {
  const rng = createRng(seed);
  const centers = Array.from({ length: C }, () => Float32Array.from({ length: d }, () => rng.normal()));
  const labels = Int32Array.from({ length: n }, (_, i) => i % C);
  const out: FeatureSet[] = Array.from({ length: sets }, (_, s) => {
    const z = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) z[i * d + k] = 3 * centers[labels[i]][k] + rng.normal() + s * drift * 3 * centers[(labels[i] + 1) % C][k];
    return { key: `set${s}`, n, dim: d, z };
  });
  return { sets: out, labels };
}

/** Indices of the k nearest rows of row i (Euclidean, self excluded) in x [n, d]. */
function nearest(x: ArrayLike<number>, n: number, d: number, i: number, k: number): number[] {
  const dist: [number, number][] = [];
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    let s = 0;
    for (let c = 0; c < d; c++) s += (x[i * d + c] - x[j * d + c]) ** 2;
    dist.push([s, j]);
  }
  return dist.sort((a, b) => a[0] - b[0]).slice(0, k).map((p) => p[1]);
}

/** Share of each point's 10 nearest layout neighbours that carry its label. */
function labelAgreement(pos: ArrayLike<number>, labels: ArrayLike<number>, n: number): number {
  let agree = 0;
  for (let i = 0; i < n; i++) agree += nearest(pos, n, 2, i, 10).filter((j) => labels[j] === labels[i]).length;
  return agree / (10 * n);
}

/** Share of each point's 10 nearest neighbours in x [n, d] that stay among its 10 nearest in the layout. */
function preservation(x: ArrayLike<number>, d: number, pos: ArrayLike<number>, n: number): number {
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const hi = new Set(nearest(x, n, d, i, 10));
    kept += nearest(pos, n, 2, i, 10).filter((j) => hi.has(j)).length;
  }
  return kept / (10 * n);
}

const normalized = (s: FeatureSet) => Array.from({ length: s.n }, (_, i) => {
  const row = Array.from(s.z.subarray(i * s.dim, (i + 1) * s.dim));
  const norm = Math.hypot(...row);
  return row.map((v) => v / norm);
});

describe('shared UMAP layout', () => {
  it('is deterministic for a seed, differs for another seed, and leaks no tensors', async () => {
    const { sets } = clustered(150, 20, 5, 2, 1);
    const before = tf.memory().numTensors;
    const a = await embedFeatures(sets, { seed: 7, nEpochs: 60 });
    const b = await embedFeatures(sets, { seed: 7, nEpochs: 60 });
    const c = await embedFeatures(sets, { seed: 8, nEpochs: 60 });
    expect(tf.memory().numTensors).toBe(before);
    expect(b.positions).toEqual(a.positions);
    expect(c.positions).not.toEqual(a.positions);
    expect(a.positions.every(Number.isFinite)).toBe(true);
  });

  it('separates clusters, and positions of all sets live in one layout (set s point r = image r)', async () => {
    const n = 240;
    const { sets, labels } = clustered(n, 24, 6, 2, 2);
    const l = await embedFeatures(sets, { seed: 1 });
    expect(l.sets).toEqual(['set0', 'set1']);
    expect(l.images.length).toBe(n);
    expect(l.positions.length).toBe(2 * n * 2);
    const both = Int32Array.from({ length: 2 * n }, (_, p) => labels[p % n]);
    expect(labelAgreement(l.positions, both, 2 * n)).toBeGreaterThan(0.9);
    expect(l.pca.dims).toBe(24);
    expect(l.pca.explained).toBeCloseTo(1, 6); // 24 of 24 dimensions
  });

  it('keeps neighbourhoods at least as well as umap-js itself on the same data', async () => {
    const { sets } = clustered(500, 32, 8, 1, 3, 0);
    const x = normalized(sets[0]);
    const flat = x.flat();
    const ours = await embedFeatures(sets, { seed: 3 });
    const rng = createRng(3);
    const theirs = new UMAP({ random: () => rng.next(), nNeighbors: 15, minDist: 0.1 }).fit(x).flat();
    const p = preservation(flat, 32, ours.positions, 500);
    const q = preservation(flat, 32, theirs, 500);
    expect(p).toBeGreaterThan(q - 0.03);
  }, 120_000);

  it('respects the point budget with the same seeded images for every set', async () => {
    const { sets } = clustered(1000, 8, 4, 3, 4);
    const l = await embedFeatures(sets, { budget: 300, seed: 5, nEpochs: 20 });
    expect(l.images.length).toBe(100);
    expect(l.positions.length).toBe(300 * 2);
    expect(l.images).toEqual(layoutImages(1000, 3, { budget: 300, seed: 5 }));
    expect(layoutImages(1000, 3, { budget: 'all' }).length).toBe(1000);
    expect(layoutImages(1000, 3).length).toBe(1000); // default 5,000 points → 1,666 images ≥ 1,000
  });

  it('reports pca → knn → graph → layout progress and can be cancelled between chunks', async () => {
    const { sets } = clustered(120, 10, 3, 1, 5);
    const seen: EmbedProgress[] = [];
    await embedFeatures(sets, { nEpochs: 30 }, { onProgress: (p) => seen.push(p), chunkEpochs: 10 });
    expect([...new Set(seen.map((p) => p.stage))]).toEqual(['pca', 'knn', 'graph', 'layout']);
    expect(seen.filter((p) => p.stage === 'layout').map((p) => p.done)).toEqual([10, 20, 30]);
    const signal = { aborted: false };
    const run = embedFeatures(sets, { nEpochs: 30 }, { signal, chunkEpochs: 5, onProgress: (p) => { if (p.stage === 'layout') signal.aborted = true; } });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });

  it('is stepped: prepare once, then epochs on demand', () => {
    const { sets } = clustered(100, 6, 3, 1, 6);
    const job = UmapEmbedding.prepare(sets, { nEpochs: 25 });
    expect(job.step(10)).toEqual({ stage: 'layout', done: 10, total: 25 });
    expect(job.done).toBe(false);
    job.step(100);
    expect(job.done).toBe(true);
    expect(job.result().seconds.layout).toBeGreaterThan(0);
  });

  it('rejects sets that cannot share a layout, naming each problem', async () => {
    const { sets } = clustered(50, 4, 2, 2, 7);
    await expect(embedFeatures([])).rejects.toBeInstanceOf(EmbedInputError);
    await expect(embedFeatures([sets[0], { ...sets[1], n: 49, z: sets[1].z.subarray(0, 49 * 4) }])).rejects.toThrow(/set1 holds \[49, 4\] features/);
    const bad = Float32Array.from(sets[1].z);
    bad[3] = NaN;
    await expect(embedFeatures([sets[0], { ...sets[1], z: bad }])).rejects.toThrow(/set1 contains NaN/);
    await expect(embedFeatures([sets[0], { ...sets[0] }])).rejects.toThrow(/share one key/);
    await expect(embedFeatures(sets, { budget: 0 })).rejects.toThrow(/budget/);
    await expect(embedFeatures(sets, { budget: 10 })).rejects.toThrow(/more than 10 points/);
  });
});

describe('layout cache', () => {
  it('LayoutCache: one computation per key, keys differ by any option, LRU beyond the limit', async () => {
    const { sets } = clustered(60, 4, 2, 1, 8);
    const cache = new LayoutCache(2);
    let runs = 0;
    const compute = () => { runs++; return embedFeatures(sets, { nEpochs: 5 }); };
    const k = layoutKey(['set0'], { nEpochs: 5 });
    const [x, y] = await Promise.all([cache.getOrCompute(k, compute), cache.getOrCompute(k, compute)]);
    expect(runs).toBe(1);
    expect(y).toBe(x);
    expect(layoutKey(['set0'], { nEpochs: 5, seed: 1 })).not.toBe(k);
    expect(layoutKey(['set0'], { nEpochs: 5, budget: 'all' })).not.toBe(k);
    expect(layoutKey(['set0', 'set1'], { nEpochs: 5 })).not.toBe(k);
    cache.set('b', x);
    cache.set('c', x);
    expect(cache.get(k)).toBeUndefined();
    expect(cache.size).toBe(2);
    await expect(cache.getOrCompute('fails', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(cache.get('fails')).toBeUndefined();
  });
});

describe('expected time', () => {
  it('grows with the points, follows the epoch schedule, and is near the benchmark at 12,000 × 512', () => {
    expect(estimateLayoutSeconds(1000)).toBeLessThan(estimateLayoutSeconds(2000));
    expect(estimateLayoutSeconds(12000, 512, { nEpochs: 400 })).toBeGreaterThan(estimateLayoutSeconds(12000));
    const t = estimateLayoutSeconds(12000);
    expect(t).toBeGreaterThan(6);
    expect(t).toBeLessThan(16); // measured 10.8 s at load 6.7 (docs/benchmarks.md)
  });
});
