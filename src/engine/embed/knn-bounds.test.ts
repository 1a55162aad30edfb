// exactKnn at its bounds: k = n, a row count that is a multiple of the block, and its error messages.
import { describe, expect, it } from 'vitest';
import { exactKnn } from './knn';

describe('exactKnn bounds', () => {
  it('k = n is allowed: every point, self first, then by distance (points 0, 1, 3 on a line)', () => {
    const knn = exactKnn(Float32Array.of(0, 1, 3), 3, 1, 3);
    expect([...knn.indices]).toEqual([0, 1, 2, 1, 0, 2, 2, 1, 0]);
    expect([...knn.distances]).toEqual([0, 1, 3, 0, 1, 2, 0, 2, 3]);
  });

  it('n a multiple of the block size: one progress call per block, none for an empty block after the last', () => {
    const seen: number[] = [];
    const knn = exactKnn(Float32Array.from({ length: 8 }, (_, i) => i * i), 8, 1, 2, (done, total) => seen.push(done, total), 4);
    expect(seen).toEqual([4, 8, 8, 8]);
    expect([...knn.indices.subarray(14)]).toEqual([7, 6]);
  });

  it('names the function and the shapes in its errors', () => {
    expect(() => exactKnn(new Float32Array(5), 2, 2, 1)).toThrow('exactKnn: 5 values are not [2, 2]');
    expect(() => exactKnn(new Float32Array(4), 2, 2, 3)).toThrow('exactKnn: k = 3 needs 1 ≤ k ≤ n = 2');
    expect(() => exactKnn(new Float32Array(4), 2, 2, 0)).toThrow('exactKnn: k = 0 needs 1 ≤ k ≤ n = 2');
  });
});
