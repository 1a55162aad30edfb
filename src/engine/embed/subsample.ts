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
