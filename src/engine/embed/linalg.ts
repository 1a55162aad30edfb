/**
 * Small dense linear algebra in Float64 for the embedding pipeline: modified Gram–Schmidt and the
 * cyclic Jacobi eigensolver for symmetric k × k matrices (k ≤ ~100, where it is exact to rounding
 * and simpler than Householder + QL). Matrices are row-major.
 */

/**
 * Orthonormalises the k columns of v [d, k] in place (modified Gram–Schmidt, two passes for
 * stability). A column that becomes (numerically) zero is replaced by the unit vector e_j least
 * represented so far, so the result always has k orthonormal columns.
 */
export function orthonormalizeColumns(v: Float64Array, d: number, k: number): void {
  for (let j = 0; j < k; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += v[i * k + p] * v[i * k + j];
        for (let i = 0; i < d; i++) v[i * k + j] -= dot * v[i * k + p];
      }
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += v[i * k + j] ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-12) {
      const e = leastRepresentedAxis(v, d, k, j);
      for (let i = 0; i < d; i++) v[i * k + j] = i === e ? 1 : 0;
      j--; // orthogonalise the replacement against the earlier columns
      continue;
    }
    for (let i = 0; i < d; i++) v[i * k + j] /= norm;
  }
}

function leastRepresentedAxis(v: Float64Array, d: number, k: number, j: number): number {
  let best = 0;
  let bestMass = Infinity;
  for (let i = 0; i < d; i++) {
    let mass = 0;
    for (let p = 0; p < j; p++) mass += v[i * k + p] ** 2;
    if (mass < bestMass) { bestMass = mass; best = i; }
  }
  return best;
}

/**
 * Eigen-decomposition of a symmetric matrix a [k, k] (not modified) by cyclic Jacobi rotations.
 * Returns eigenvalues in descending order and the matching eigenvectors as the columns of
 * vectors [k, k].
 */
export function symmetricEigen(a: Float64Array, k: number, tol = 1e-14, maxSweeps = 100): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  let scale = 0;
  for (let i = 0; i < k * k; i++) scale += m[i] * m[i];
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += m[p * k + q] ** 2;
    if (off <= tol * tol * scale) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = m[p * k + q];
        if (apq === 0) continue;
        const theta = (m[q * k + q] - m[p * k + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) { // columns p, q
          const mrp = m[r * k + p], mrq = m[r * k + q];
          m[r * k + p] = c * mrp - s * mrq;
          m[r * k + q] = s * mrp + c * mrq;
        }
        for (let r = 0; r < k; r++) { // rows p, q
          const mpr = m[p * k + r], mqr = m[q * k + r];
          m[p * k + r] = c * mpr - s * mqr;
          m[q * k + r] = s * mpr + c * mqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = v[r * k + p], vrq = v[r * k + q];
          v[r * k + p] = c * vrp - s * vrq;
          v[r * k + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: k }, (_, i) => i).sort((x, y) => m[y * k + y] - m[x * k + x]);
  const values = Float64Array.from(order, (i) => m[i * k + i]);
  const vectors = new Float64Array(k * k);
  for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) vectors[r * k + c] = v[r * k + order[c]];
  return { values, vectors };
}
