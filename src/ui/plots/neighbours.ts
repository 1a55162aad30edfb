/**
 * Nearest neighbours of one point in the ORIGINAL feature space (not the 2-D layout): cosine
 * similarity of the model's features z [n, dim], the measure the layout is built on (it embeds
 * L2-normalised features). Brute force: 12,000 × 512 is ~6 M multiply-adds, a few ms per click.
 */
export interface Neighbour {
  /** Row in z. */
  index: number;
  /** Cosine similarity to the query row. */
  similarity: number;
}

/** The k rows most similar to row `query` of z [n, dim] (itself excluded), most similar first; `rows` restricts the candidates. */
export function nearestInFeatureSpace(z: Float32Array, dim: number, query: number, k: number, rows?: ArrayLike<number>): Neighbour[] {
  const n = z.length / dim;
  if (query < 0 || query >= n) throw new RangeError(`nearestInFeatureSpace: row ${query} is not in 0..${n - 1}`);
  const qo = query * dim;
  let qq = 0;
  for (let c = 0; c < dim; c++) qq += z[qo + c] * z[qo + c];
  const best: Neighbour[] = [];
  const count = rows ? rows.length : n;
  for (let r = 0; r < count; r++) {
    const i = rows ? rows[r] : r;
    if (i === query) continue;
    let dot = 0, ii = 0;
    for (let c = 0, o = i * dim; c < dim; c++) { dot += z[qo + c] * z[o + c]; ii += z[o + c] * z[o + c]; }
    const s = qq > 0 && ii > 0 ? dot / Math.sqrt(qq * ii) : 0;
    if (best.length < k || s > best[best.length - 1].similarity) {
      let p = best.length < k ? best.length : k - 1;
      if (best.length < k) best.push({ index: i, similarity: s });
      while (p > 0 && best[p - 1].similarity < s) { best[p] = best[p - 1]; p--; }
      best[p] = { index: i, similarity: s };
    }
  }
  return best;
}
