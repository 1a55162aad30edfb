// symmetricEigen's stopping rule and rotations on hand-worked matrices (the 2 × 2 and random 12 × 12
// reconstructions are in pca.test.ts).
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { symmetricEigen } from './linalg';

describe('symmetricEigen', () => {
  it('skips a zero off-diagonal entry between equal diagonal entries (no 0/0 rotation)', () => {
    // [[2, 0, 1], [0, 2, 0], [1, 0, 3]]: e1 is an eigenvector (2); on (e0, e2) the block [[2, 1], [1, 3]] has (5 ± √5)/2.
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 0, 1, 0, 2, 0, 1, 0, 3), 3);
    const r5 = Math.sqrt(5);
    [(5 + r5) / 2, 2, (5 - r5) / 2].forEach((want, i) => expect(values[i]).toBeCloseTo(want, 12));
    expect(Math.abs(vectors[1 * 3 + 1])).toBeCloseTo(1, 12); // column 1 is ±e1
    expect(vectors.every(Number.isFinite)).toBe(true);
  });

  it('converges relative to the matrix\'s own scale: a 12 × 12 matrix times 1e-9 is reconstructed to 1e-12 of its size', () => {
    const k = 12;
    const rng = createRng(5);
    const a = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) a[i * k + j] = a[j * k + i] = 1e-9 * rng.normal();
    const { values, vectors } = symmetricEigen(a, k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      let r = 0;
      for (let c = 0; c < k; c++) r += vectors[i * k + c] * values[c] * vectors[j * k + c];
      expect(Math.abs(r - a[i * k + j]), `(${i}, ${j})`).toBeLessThan(1e-21);
    }
  });

  it('maxSweeps = 0 rotates nothing: the diagonal, sorted, with unit vectors', () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(1, 5, 5, 3), 2, 1e-14, 0);
    expect([...values]).toEqual([3, 1]);
    expect([...vectors]).toEqual([0, 1, 1, 0]);
  });
});
