// balancedIndices' water-filling when a group fills up in a later round (worked by hand).
import { describe, expect, it } from 'vitest';
import { balancedIndices } from './subsample';

describe('balancedIndices water-filling', () => {
  it('caps a group at its size in the round where it fills up: counts (1, 12, 100), total 30 → 1, 12, 17', () => {
    // Round 1: share ⌊30/3⌋ = 10 → 1 (all of group 0), 10, 10; 9 left. Round 2: share ⌊9/2⌋ = 4 → group 1
    // takes only its last 2, group 2 takes 4; 3 left. Round 3: group 2 alone takes 3 → 17.
    const got = balancedIndices([1, 12, 100], 30, 7);
    expect(got.map((g) => g.length)).toEqual([1, 12, 17]);
    expect([...got[1]]).toEqual(Array.from({ length: 12 }, (_, i) => i));
    for (const g of got) for (let i = 1; i < g.length; i++) expect(g[i]).toBeGreaterThan(g[i - 1]);
    expect(got[2].every((v) => v >= 0 && v < 100)).toBe(true);
  });
});
