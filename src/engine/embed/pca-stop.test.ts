// PCA's path choice, stopping rule, sign ties and error messages, against values worked out
// independently: a float64 covariance summed in plain JS and its Jacobi eigenvalues, hand-worked points.
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { fitPca, projectPca } from './pca';

/** n = 200 points in D = 130 (subspace iteration) with independent coordinates of standard deviation 10 / (1 + 0.05 j): a slowly falling spectrum, so each iteration still moves the top-2 variances. */
function slowSpectrum() {
  const n = 200, d = 130;
  const rng = createRng(11);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = 100 + (10 / (1 + 0.05 * j)) * rng.normal();
  // The reference, in float64 and plain JS: the covariance (÷ n − 1) of the float32 inputs, then its top-2
  // eigenvalues by power iteration with deflation (not the code's Jacobi or subspace iteration).
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] += ((x[i * d + a] - mean[a]) * (x[i * d + b] - mean[b])) / (n - 1);
  return { x, n, d, exact: topEigenvalues(cov, d, 2) };
}

/** The top `count` eigenvalues of a symmetric positive semi-definite c [d, d] by power iteration, deflating each found pair. */
function topEigenvalues(c: Float64Array, d: number, count: number): Float64Array {
  const a = Float64Array.from(c);
  const out = new Float64Array(count);
  for (let e = 0; e < count; e++) {
    let v = Float64Array.from({ length: d }, (_, i) => 1 + i / d);
    let lambda = 0;
    for (let it = 0; it < 3000; it++) {
      const w = new Float64Array(d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) w[i] += a[i * d + j] * v[j];
      lambda = w.reduce((s, wi, i) => s + wi * v[i], 0); // Rayleigh quotient (v has unit length)
      const norm = Math.hypot(...w);
      v = w.map((wi) => wi / norm);
    }
    out[e] = lambda;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i * d + j] -= lambda * v[i] * v[j];
  }
  return out;
}

describe('PCA by subspace iteration: when it stops', () => {
  const { x, n, d, exact } = slowSpectrum();
  const relErr = (got: Float64Array, c: number) => Math.abs(got[c] - exact[c]) / exact[c];

  it('by default runs until the top-2 variances match the exact eigenvalues to float32 rounding', () => {
    const pca = fitPca(x, n, d, 2);
    expect(relErr(pca.variances, 0)).toBeLessThan(2e-7);
    expect(relErr(pca.variances, 1)).toBeLessThan(2e-7);
    // Three or four iterations are not enough on this spectrum: the default does not stop that early.
    const three = fitPca(x, n, d, 2, { maxIter: 3 });
    const four = fitPca(x, n, d, 2, { maxIter: 4 });
    expect(relErr(three.variances, 1)).toBeGreaterThan(1e-5);
    expect(relErr(four.variances, 1)).toBeGreaterThan(3e-7);
  });

  it('a tolerance of 1 (any relative change passes) stops at the third iteration: the change is only checked from there on', () => {
    const loose = fitPca(x, n, d, 2, { tol: 1 });
    const by = (maxIter: number) => fitPca(x, n, d, 2, { maxIter });
    expect(loose.variances).toEqual(by(3).variances);
    expect(loose.components).toEqual(by(3).components);
    // Iterations 2, 3 and 4 give distinct results, so the equality above pins the count at 3.
    expect(by(2).variances).not.toEqual(by(3).variances);
    expect(by(4).variances).not.toEqual(by(3).variances);
  });

  it('maxIter bounds the iterations: maxIter 1 is one step, short of the converged variances', () => {
    const one = fitPca(x, n, d, 2, { maxIter: 1 });
    expect(relErr(one.variances, 0)).toBeGreaterThan(1e-3);
    expect(one.variances).not.toEqual(fitPca(x, n, d, 2, { maxIter: 2 }).variances);
  });
});

describe('PCA up to D = 128: exact Jacobi on C', () => {
  it('D = 128 takes the Jacobi path (subspace options do not apply): the hand-worked square even with maxIter 0', () => {
    // Four points (±2, 0), (0, ±1) around (5, −3), zero-padded to D = 128: variances 8/3 and 2/3 along e0, e1.
    const d = 128;
    const x = new Float32Array(4 * d);
    [[7, -3], [3, -3], [5, -2], [5, -4]].forEach(([a, b], i) => { x[i * d] = a; x[i * d + 1] = b; });
    const pca = fitPca(x, 4, d, 2, { maxIter: 0 });
    expect(pca.variances[0]).toBeCloseTo(8 / 3, 5);
    expect(pca.variances[1]).toBeCloseTo(2 / 3, 5);
    expect(pca.components[0]).toBeCloseTo(1, 6);
    expect(pca.components[d + 1]).toBeCloseTo(1, 6);
  });

  it('an axis whose largest entries tie in magnitude is signed by the first of them', () => {
    // Points (1, 1) + t (1, −1): C = [[v, −v], [−v, v]], axes (1, −1)/√2 (variance 2v) and (1, 1)/√2 (none);
    // Jacobi's rotation by exactly π/4 gives entries of equal magnitude, so the first one decides.
    const ts = [-2, -1, 1, 2];
    const x = Float32Array.from(ts.flatMap((t) => [1 + t, 1 - t]));
    const pca = fitPca(x, 4, 2, 2);
    const r = Math.SQRT1_2;
    expect(pca.components[0]).toBeCloseTo(r, 6);
    expect(pca.components[1]).toBeCloseTo(-r, 6);
    expect(pca.components[2]).toBeCloseTo(r, 6);
    expect(pca.components[3]).toBeCloseTo(r, 6);
    expect(pca.variances[0]).toBeCloseTo((2 * 10) / 3, 5); // Σt² = 10 along each coordinate, ÷ (n − 1), doubled along the diagonal
  });
});

describe('PCA shape errors name the function and the shapes', () => {
  it('fitPca and projectPca', () => {
    expect(() => fitPca(new Float32Array(7), 2, 4, 1)).toThrow('fitPca: 7 values are not [2, 4]');
    const pca = fitPca(Float32Array.of(0, 0, 1, 1), 2, 2, 1);
    expect(() => projectPca(pca, new Float32Array(5), 2)).toThrow('projectPca: 5 values are not [2, 2]');
  });
});
