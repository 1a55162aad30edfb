// The shared losses on numbers worked out by hand (no call to the code under test on the expected
// side): softmax(0, ln 3) = (1/4, 3/4), so log-softmax = (−ln 4, −ln 4/3), the entropy is
// ¼·ln 4 + ¾·ln 4/3 and the cross-entropy of label 0 / 1 is ln 4 / ln 4/3; a uniform row has
// entropy ln C whatever its offset (1000 checks the max-shift).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { crossEntropyRows, frozenLogits, l1, logSoftmax, meanEntropy, normalizeRows } from './losses';

const LN2 = Math.log(2);
const LN3 = Math.log(3);
const LN4 = Math.log(4);
const LN4_3 = Math.log(4 / 3);
const H_QUARTER = 0.25 * LN4 + 0.75 * LN4_3; // entropy of (1/4, 3/4) = 0.5623351…

describe('losses on known values', () => {
  it('logSoftmax(0, ln 3) = (−ln 4, −ln 4/3); a uniform row at 1000 gives −ln 2 (max-shift)', () => {
    const before = tf.memory().numTensors;
    const got = tf.tidy(() => logSoftmax(tf.tensor2d([[0, LN3], [1000, 1000]])).arraySync());
    expect(got[0][0]).toBeCloseTo(-LN4, 6);
    expect(got[0][1]).toBeCloseTo(-LN4_3, 6);
    expect(got[1][0]).toBeCloseTo(-LN2, 6);
    expect(got[1][1]).toBeCloseTo(-LN2, 6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('logSoftmax shifts by the row MAX: (0, 1000) and (−1000, 0) both give (−1000, 0), not an overflow', () => {
    // By hand: log(1 + e^−1000) underflows to 0, so the larger entry is 0 and the smaller is −1000.
    // Shifting by the min instead would take exp(1000) = ∞ and give NaN / −∞.
    const got = tf.tidy(() => logSoftmax(tf.tensor2d([[0, 1000], [-1000, 0]])).arraySync());
    expect(got).toEqual([[-1000, 0], [-1000, 0]]);
    const h = tf.tidy(() => meanEntropy(tf.tensor2d([[0, 1000]])).dataSync()[0]);
    expect(Number.isFinite(h)).toBe(true);
    expect(h).toBeCloseTo(0, 6);
  });

  it('meanEntropy is the POSITIVE Shannon entropy averaged over rows (AdaMerging minimises it)', () => {
    const before = tf.memory().numTensors;
    const one = tf.tidy(() => meanEntropy(tf.tensor2d([[0, LN3]])).dataSync()[0]);
    expect(one).toBeCloseTo(H_QUARTER, 6);
    expect(H_QUARTER).toBeCloseTo(0.5623351, 6);
    const mean = tf.tidy(() => meanEntropy(tf.tensor2d([[0, 0], [0, LN3], [1000, 1000]])).dataSync()[0]);
    expect(mean).toBeCloseTo((LN2 + H_QUARTER + LN2) / 3, 6); // 0.6495432…
    const confident = tf.tidy(() => meanEntropy(tf.tensor2d([[50, 0, 0]])).dataSync()[0]);
    expect(confident).toBeGreaterThanOrEqual(0);
    expect(confident).toBeLessThan(1e-6);
    const uniform3 = tf.tidy(() => meanEntropy(tf.tensor2d([[7, 7, 7]])).dataSync()[0]);
    expect(uniform3).toBeCloseTo(LN3, 6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('crossEntropyRows is −log p[label] per row: ln 4, ln 4/3, ln 2', () => {
    const before = tf.memory().numTensors;
    const got = tf.tidy(() => crossEntropyRows(tf.tensor2d([[0, LN3], [0, LN3], [2, 2]]), tf.tensor1d([0, 1, 1], 'int32')).arraySync());
    expect(got).toHaveLength(3);
    expect(got[0]).toBeCloseTo(LN4, 6);
    expect(got[1]).toBeCloseTo(LN4_3, 6);
    expect(got[2]).toBeCloseTo(LN2, 6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('frozenLogits = s · normalize(z) · Hᵀ: z (3, 4) → (0.6, 0.8) → 100 · (0.6, 0.8, 0.6·0.6 + 0.8·0.8); a zero z stays 0', () => {
    const got = tf.tidy(() => frozenLogits(tf.tensor2d([[3, 4], [0, 0]]), tf.tensor2d([[1, 0], [0, 1], [0.6, 0.8]]), 100).arraySync());
    [60, 80, 100].forEach((v, c) => expect(got[0][c]).toBeCloseTo(v, 4));
    expect(got[1]).toEqual([0, 0, 0]);
    const n = tf.tidy(() => normalizeRows(tf.tensor2d([[0, -2]])).arraySync());
    expect(n[0][0]).toBeCloseTo(0, 7);
    expect(n[0][1]).toBeCloseTo(-1, 7);
  });

  it('l1 is the mean absolute difference: |1 − 0| and |−2 − 1| → 2', () => {
    expect(tf.tidy(() => l1(tf.tensor1d([1, -2]), tf.tensor1d([0, 1])).dataSync()[0])).toBeCloseTo(2, 7);
  });
});
