import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { orthonormalizeColumns, symmetricEigen } from './linalg';
import { fitPca, projectPca } from './pca';

/** d orthonormal random directions as rows [c, d]. */
function orthonormalRows(c: number, d: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const cols = Float64Array.from({ length: d * c }, () => rng.normal()); // [d, c]
  orthonormalizeColumns(cols, d, c);
  const rows = new Float64Array(c * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < c; j++) rows[j * d + i] = cols[i * c + j];
  return rows;
}

/** n points μ + Σ_c s_c g_c u_c (+ tiny isotropic noise): planted axes u_c with standard deviations s_c. */
function planted(n: number, d: number, scales: number[], seed: number) {
  const rng = createRng(seed);
  const axes = orthonormalRows(scales.length, d, seed + 1);
  const mu = Float64Array.from({ length: d }, () => 3 * rng.normal());
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) x[i * d + k] = mu[k] + 1e-3 * rng.normal();
    scales.forEach((s, c) => { const g = s * rng.normal(); for (let k = 0; k < d; k++) x[i * d + k] += g * axes[c * d + k]; });
  }
  return { x, axes };
}

describe('linalg', () => {
  it('symmetricEigen: a hand-computed 2 × 2 and a random 12 × 12 reconstructed', () => {
    const e = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect([...e.values]).toEqual([expect.closeTo(3, 12), expect.closeTo(1, 12)]);
    expect(Math.abs(e.vectors[0])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(e.vectors[0] * e.vectors[2]).toBeCloseTo(0.5, 12); // (1, 1)/√2 up to sign
    const k = 12;
    const rng = createRng(3);
    const a = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) a[i * k + j] = a[j * k + i] = rng.normal();
    const { values, vectors } = symmetricEigen(a, k);
    for (let i = 1; i < k; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      let r = 0, o = 0;
      for (let c = 0; c < k; c++) { r += vectors[i * k + c] * values[c] * vectors[j * k + c]; o += vectors[c * k + i] * vectors[c * k + j]; }
      expect(r).toBeCloseTo(a[i * k + j], 10);
      expect(o).toBeCloseTo(i === j ? 1 : 0, 12);
    }
  });

  it('orthonormalizeColumns: orthonormal output, a dependent column replaced', () => {
    const v = Float64Array.of(1, 2, 1, 0, 2, 0, 0, 4, 1, 0, 2, 0); // [4, 3]: column 1 = 2 × column 0
    orthonormalizeColumns(v, 4, 3);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
      let s = 0;
      for (let i = 0; i < 4; i++) s += v[i * 3 + a] * v[i * 3 + b];
      expect(s).toBeCloseTo(a === b ? 1 : 0, 12);
    }
  });
});

describe('PCA on planted axes', () => {
  for (const d of [24, 200]) { // Jacobi on C; subspace iteration
    it(`recovers the axes and their variances (D = ${d}), deterministically, without leaking tensors`, () => {
      const scales = [5, 4, 3, 2, 1.5, 1];
      const n = 1500;
      const { x, axes } = planted(n, d, scales, d);
      const before = tf.memory().numTensors;
      const pca = fitPca(x, n, d, 4);
      expect(tf.memory().numTensors).toBe(before);
      expect(pca.k).toBe(4);
      for (let c = 0; c < 4; c++) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += pca.components[c * d + i] * axes[c * d + i];
        expect(Math.abs(dot), `axis ${c}`).toBeGreaterThan(0.99);
        expect(pca.variances[c] / scales[c] ** 2, `variance ${c}`).toBeGreaterThan(0.85);
        expect(pca.variances[c] / scales[c] ** 2, `variance ${c}`).toBeLessThan(1.15);
      }
      const planted2 = scales.reduce((s, v) => s + v * v, 0);
      expect(pca.totalVariance / planted2).toBeCloseTo(1, 1);
      const again = fitPca(x, n, d, 4);
      expect(again.components).toEqual(pca.components);
      expect(again.variances).toEqual(pca.variances);
    });
  }

  it('projections are centred, uncorrelated, with the fitted variances', () => {
    const d = 30, n = 800;
    const { x } = planted(n, d, [4, 2, 1], 9);
    const pca = fitPca(x, n, d, 3);
    const y = projectPca(pca, x, n); // [n, 3]
    for (let a = 0; a < 3; a++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += y[i * 3 + a];
      expect(m / n).toBeCloseTo(0, 3);
      for (let b = 0; b < 3; b++) {
        let c = 0;
        for (let i = 0; i < n; i++) c += y[i * 3 + a] * y[i * 3 + b];
        c /= n - 1;
        if (a === b) expect(c / pca.variances[a]).toBeCloseTo(1, 3);
        else expect(Math.abs(c)).toBeLessThan(1e-3 * pca.variances[0]);
      }
    }
  });

  it('clamps k to min(n, D) and rejects a wrong shape', () => {
    const { x } = planted(5, 8, [1], 1);
    expect(fitPca(x, 5, 8, 50).k).toBe(5);
    expect(() => fitPca(x, 6, 8, 2)).toThrow(RangeError);
  });
});

describe('PCA on hand-worked data', () => {
  // Four points (±2, 0), (0, ±1) around the mean (5, −3): C = XᵀX/(n − 1) = diag(8, 2)/3.
  const square = Float32Array.of(7, -3, 3, -3, 5, -2, 5, -4);
  /** The same points with zeros in dimensions 2 … d − 1. */
  const padded = (d: number) => {
    const x = new Float32Array(4 * d);
    for (let i = 0; i < 4; i++) { x[i * d] = square[2 * i]; x[i * d + 1] = square[2 * i + 1]; }
    return x;
  };

  for (const d of [2, 129]) { // Jacobi on C; subspace iteration (D > 128)
    it(`mean, axes, variances (÷ n − 1), total variance and projections (D = ${d})`, () => {
      const pca = fitPca(padded(d), 4, d, 2);
      expect(pca.mean[0]).toBeCloseTo(5, 6);
      expect(pca.mean[1]).toBeCloseTo(-3, 6);
      expect(pca.variances[0]).toBeCloseTo(8 / 3, 5);
      expect(pca.variances[1]).toBeCloseTo(2 / 3, 5);
      expect(pca.totalVariance).toBeCloseTo(10 / 3, 5);
      const e = (c: number, i: number) => pca.components[c * d + i];
      expect(e(0, 0)).toBeCloseTo(1, 5); // +e0, not −e0: the largest entry is positive
      expect(e(1, 1)).toBeCloseTo(1, 5);
      for (let i = 0; i < d; i++) if (i > 0) expect(Math.abs(e(0, i))).toBeLessThan(1e-5);
      const y = projectPca(pca, padded(d), 4);
      const want = [2, 0, -2, 0, 0, 1, 0, -1];
      want.forEach((v, i) => expect(y[i]).toBeCloseTo(v, 4));
    });
  }

  it('fixes each axis\'s sign so its largest-magnitude entry is positive; a zero variance is 0, not negative', () => {
    // Points t · (3, −4) + (1, 1): one axis ±(3, −4)/5 with variance Σt² · 25 / 3; the other has none.
    const ts = [-2, -1, 1, 2];
    const x = Float32Array.from(ts.flatMap((t) => [1 + 3 * t, 1 - 4 * t]));
    const pca = fitPca(x, 4, 2, 2);
    expect(pca.components[0]).toBeCloseTo(-0.6, 6);
    expect(pca.components[1]).toBeCloseTo(0.8, 6);
    expect(pca.components[2]).toBeCloseTo(0.8, 6);
    expect(pca.components[3]).toBeCloseTo(0.6, 6);
    expect(pca.variances[0]).toBeCloseTo(250 / 3, 4);
    expect(pca.variances[1]).toBeGreaterThanOrEqual(0);
    expect(pca.variances[1]).toBeLessThan(1e-4);
  });

  it('one point: its own mean, zero variance (no division by n − 1 = 0)', () => {
    const pca = fitPca(Float32Array.of(2, -1, 4), 1, 3, 3);
    expect(pca.k).toBe(1);
    expect([...pca.mean]).toEqual([2, -1, 4]);
    expect(pca.totalVariance).toBe(0);
    expect([...pca.variances]).toEqual([0]);
    expect(() => projectPca(pca, Float32Array.of(1, 2), 1)).toThrow(RangeError);
  });

  it('orthonormalizeColumns replaces a dependent column by the first least-represented axis, orthogonalised', () => {
    // Column 0 = (1, 1)/√2 represents both axes equally: e0 is taken, minus its projection → (1, −1)/√2.
    const v = Float64Array.of(1, 2, 1, 2); // [2, 2]: column 1 = 2 × column 0
    orthonormalizeColumns(v, 2, 2);
    const r = Math.SQRT1_2;
    [r, r, r, -r].forEach((want, i) => expect(v[i]).toBeCloseTo(want, 12));
    // A zero first column becomes e0 (nothing represents any axis yet); column 1 (3, 4, 0) minus its e0 part is e1.
    const z = Float64Array.of(0, 3, 0, 4, 0, 0); // [3, 2]
    orthonormalizeColumns(z, 3, 2);
    [1, 0, 0, 1, 0, 0].forEach((want, i) => expect(z[i], `entry ${i}`).toBeCloseTo(want, 12));
  });
});
