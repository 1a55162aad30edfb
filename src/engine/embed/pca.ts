/**
 * Principal component analysis, deterministic: the covariance C = X̃ᵀX̃ / (n − 1) of the centred
 * rows (one tfjs matMul), then its top-k eigenvectors — by cyclic Jacobi on C itself when
 * D ≤ 128, else by orthogonal (subspace) iteration with C² on a block of k + 10 vectors and a
 * Rayleigh–Ritz step on C per iteration, from a fixed seed, until the captured variance settles.
 * Each component's sign is fixed so that its largest-magnitude entry is positive, so equal inputs
 * give bit-equal outputs.
 * All arrays are row-major: x [n, D], components [k, D], projections [n, k].
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../random';
import { orthonormalizeColumns, symmetricEigen } from './linalg';

export interface Pca {
  /** D: input dimension. */
  dim: number;
  /** k: number of components. */
  k: number;
  /** [D] column means. */
  mean: Float32Array;
  /** [k, D] unit principal axes, by decreasing variance. */
  components: Float32Array;
  /** [k] variance along each axis. */
  variances: Float64Array;
  /** Sum of the variances of all D input dimensions. */
  totalVariance: number;
}

export interface PcaOptions {
  /**
   * Subspace iteration: stop when the variance captured by the top k (their eigenvalue sum) changes
   * by less than this, relatively (default 1e-6). The subspace then holds the data's top-k
   * variance; single axes whose eigenvalues nearly tie (noise directions) may still be rotated
   * within it, which no distance computed in the subspace sees.
   */
  tol?: number;
  /** Subspace iteration: at most this many iterations (default 100). */
  maxIter?: number;
}

/** Fits k ≤ min(n, D) components to x [n, D]. */
export function fitPca(x: Float32Array, n: number, d: number, k: number, opts: PcaOptions = {}): Pca {
  if (x.length !== n * d) throw new RangeError(`fitPca: ${x.length} values are not [${n}, ${d}]`);
  k = Math.max(1, Math.min(k, d, n));
  const xt = tf.tensor2d(x, [n, d]);
  const meanT = xt.mean(0); // [D]
  const covT = tf.tidy(() => {
    const xc = xt.sub(meanT); // [n, D]
    return tf.matMul(xc.transpose(), xc).div(Math.max(1, n - 1)) as tf.Tensor2D; // [D, D] (untransposed operands: faster on wasm)
  });
  const mean = meanT.dataSync() as Float32Array;
  tf.dispose([xt, meanT]);
  try {
    const cov = Float64Array.from(covT.dataSync());
    let total = 0;
    for (let i = 0; i < d; i++) total += cov[i * d + i];
    const { values, vectors, cols } = d <= 128 ? { ...symmetricEigen(cov, d), cols: d } : subspaceEigen(covT, d, k, opts);
    const components = new Float32Array(k * d);
    for (let c = 0; c < k; c++) {
      let big = 0;
      for (let i = 0; i < d; i++) if (Math.abs(vectors[i * cols + c]) > Math.abs(big)) big = vectors[i * cols + c];
      const sign = big < 0 ? -1 : 1;
      for (let i = 0; i < d; i++) components[c * d + i] = sign * vectors[i * cols + c];
    }
    return { dim: d, k, mean, components, variances: values.slice(0, k).map((v) => Math.max(0, v)), totalVariance: total };
  } finally {
    covT.dispose();
  }
}

/**
 * Top-k eigenpairs of cov [D, D] by orthogonal iteration on C² (twice the convergence per step of C;
 * C² keeps the spectrum's range within float32 for λ_k/λ_1 ≥ 1e-3) with a Rayleigh–Ritz step on C;
 * vectors [D, p] column-wise.
 */
function subspaceEigen(covT: tf.Tensor2D, d: number, k: number, opts: PcaOptions): { values: Float64Array; vectors: Float64Array; cols: number } {
  const p = Math.min(d, k + 10);
  const rng = createRng(0x5eed);
  const v = Float64Array.from({ length: d * p }, () => rng.normal()); // [D, p]
  orthonormalizeColumns(v, d, p);
  const cov2: tf.Tensor2D = tf.matMul(covT, covT); // [D, D]
  const times = (m: tf.Tensor2D) => {
    const t = tf.tidy(() => tf.matMul(m, tf.tensor2d(Float32Array.from(v), [d, p]))); // [D, p]
    const out = Float64Array.from(t.dataSync());
    t.dispose();
    return out;
  };
  const tol = opts.tol ?? 1e-6;
  let prev = 0;
  let eig: { values: Float64Array; vectors: Float64Array } = { values: new Float64Array(p), vectors: new Float64Array(p * p) };
  try {
    for (let it = 0; it < (opts.maxIter ?? 100); it++) {
      v.set(times(cov2));
      orthonormalizeColumns(v, d, p);
      const cv = times(covT);
      const t = new Float64Array(p * p); // Vᵀ C V [p, p]
      for (let i = 0; i < d; i++) for (let a = 0; a < p; a++) { const via = v[i * p + a]; for (let b = 0; b < p; b++) t[a * p + b] += via * cv[i * p + b]; }
      for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) t[a * p + b] = t[b * p + a] = (t[a * p + b] + t[b * p + a]) / 2;
      eig = symmetricEigen(t, p);
      let trace = 0;
      for (let c = 0; c < k; c++) trace += eig.values[c];
      const change = Math.abs(trace - prev) / Math.max(Math.abs(trace), 1e-30);
      prev = trace;
      if (change < tol && it > 1) break;
    }
  } finally {
    cov2.dispose();
  }
  return { values: eig.values, vectors: rotate(v, eig.vectors, d, p), cols: p };
}

/** a [d, p] · b [p, p]. */
function rotate(a: Float64Array, b: Float64Array, d: number, p: number): Float64Array {
  const out = new Float64Array(d * p);
  for (let i = 0; i < d; i++) for (let c = 0; c < p; c++) { const aic = a[i * p + c]; if (aic !== 0) for (let j = 0; j < p; j++) out[i * p + j] += aic * b[c * p + j]; }
  return out;
}

/** Coordinates of x [n, D] on the fitted axes: (x − mean) · componentsᵀ → [n, k]. */
export function projectPca(pca: Pca, x: Float32Array, n: number): Float32Array {
  if (x.length !== n * pca.dim) throw new RangeError(`projectPca: ${x.length} values are not [${n}, ${pca.dim}]`);
  return tf.tidy(() => {
    const axes = tf.tensor2d(pca.components, [pca.k, pca.dim]).transpose(); // [D, k]
    return tf.matMul(tf.tensor2d(x, [n, pca.dim]).sub(tf.tensor1d(pca.mean)), axes).dataSync() as Float32Array; // [n, k]
  });
}
