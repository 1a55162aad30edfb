import { describe, expect, it } from 'vitest';
import { argmaxRows, top1Accuracy } from './accuracy';

describe('accuracy', () => {
  it('takes the row argmax (first index on ties) and counts hits', () => {
    const logits = Float32Array.of(0.1, 0.9, 0.0, /**/ 2, 2, 1, /**/ -3, -1, -2);
    const pred = argmaxRows(logits, 3, 3);
    expect([...pred]).toEqual([1, 0, 1]);
    expect(top1Accuracy(pred, Int32Array.of(1, 1, 1))).toBeCloseTo(2 / 3, 12);
    expect(top1Accuracy(new Int32Array(0), new Int32Array(0))).toBe(0);
    expect(() => top1Accuracy(pred, Int32Array.of(1))).toThrow(/3 predictions for 1 labels/);
  });
});
