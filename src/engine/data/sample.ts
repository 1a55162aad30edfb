/**
 * A seeded, class-stratified sample of a split, from its labels alone (no image is decoded): the
 * first N rows of a label-sorted split (as the Hub serves many) are one class, so a capped
 * evaluation takes N rows spread over the classes in proportion to their counts instead. Each
 * class gets its share N·n_c/M rounded by largest remainder (Hamilton's method), every class with
 * images at least one when N ≥ the number of such classes; within a class the rows are a seeded
 * uniform choice. The result is sorted, so lazy readers go through the file once.
 */
import { createRng } from '../random';

/** How many rows each class gets: sum = min(size, M); every present class ≥ 1 when size ≥ their number. */
export function stratifiedCounts(counts: readonly number[], size: number): number[] {
  const M = counts.reduce((s, c) => s + c, 0);
  const n = Math.min(Math.max(0, Math.floor(size)), M);
  if (n === M) return [...counts];
  const present = counts.filter((c) => c > 0).length;
  const target = counts.map((c) => (n * c) / M);
  const alloc = counts.map((c, i) => Math.min(c, n >= present && c > 0 ? Math.max(1, Math.floor(target[i])) : Math.floor(target[i])));
  let left = n - alloc.reduce((s, a) => s + a, 0);
  // Too many after the minimum of one: take back from the classes most above their share.
  while (left < 0) {
    let best = -1;
    for (let i = 0; i < counts.length; i++) if (alloc[i] > 1 && (best < 0 || alloc[i] - target[i] > alloc[best] - target[best])) best = i;
    alloc[best]--;
    left++;
  }
  // The rest by largest remainder (ties: the lower class index).
  while (left > 0) {
    let best = -1;
    for (let i = 0; i < counts.length; i++) if (alloc[i] < counts[i] && (best < 0 || target[i] - alloc[i] > target[best] - alloc[best])) best = i;
    alloc[best]++;
    left--;
  }
  return alloc;
}

/** Row indices of a stratified sample of `size` rows (ascending); all rows when size ≥ their number. */
export function stratifiedSample(labels: Int32Array, size: number, seed: number): Int32Array {
  let C = 0;
  for (const y of labels) C = Math.max(C, y + 1);
  const byClass: number[][] = Array.from({ length: C }, () => []);
  labels.forEach((y, i) => byClass[y].push(i));
  const alloc = stratifiedCounts(byClass.map((r) => r.length), size);
  const rng = createRng(seed);
  const out: number[] = [];
  byClass.forEach((rows, c) => {
    // Partial Fisher–Yates: the first alloc[c] positions become a uniform choice.
    for (let k = 0; k < alloc[c]; k++) {
      const j = k + rng.int(rows.length - k);
      [rows[k], rows[j]] = [rows[j], rows[k]];
      out.push(rows[k]);
    }
  });
  return Int32Array.from(out.sort((a, b) => a - b));
}
