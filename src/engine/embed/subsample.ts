/**
 * A deterministic subsample: m of the indices 0..n−1, chosen by a seeded partial Fisher–Yates
 * shuffle and returned ascending. The same (n, m, seed) always gives the same indices, and a
 * larger m keeps every index of a smaller one for the same seed (the shuffle prefix grows).
 */
import { createRng } from '../random';

export function subsampleIndices(n: number, m: number, seed: number): Int32Array {
  m = Math.max(0, Math.min(Math.floor(m), n));
  if (m === n) return Int32Array.from({ length: n }, (_, i) => i);
  const rng = createRng(seed);
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    const t = idx[i]; idx[i] = idx[j]; idx[j] = t;
  }
  return idx.slice(0, m).sort();
}

/**
 * A seeded subsample of `total` items spread evenly over groups of `counts[g]` items: every group
 * gets the same quota, a group with fewer items gives all it has and the rest is shared among the
 * others (water-filling); group g draws with seed + g. Returns each group's chosen indices.
 */
export function balancedIndices(counts: readonly number[], total: number, seed: number): Int32Array[] {
  const quota = counts.map(() => 0);
  let left = Math.max(0, Math.floor(total));
  let open = counts.map((_, g) => g).filter((g) => counts[g] > 0);
  while (left > 0 && open.length) {
    const share = Math.max(1, Math.floor(left / open.length));
    for (const g of open) {
      const take = Math.min(share, counts[g] - quota[g], left);
      quota[g] += take;
      left -= take;
    }
    open = open.filter((g) => quota[g] < counts[g]);
  }
  return counts.map((n, g) => subsampleIndices(n, quota[g], seed + g));
}
