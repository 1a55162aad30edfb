/** Top-1 predictions and accuracy from logits (plain arrays; ties go to the lowest class index). */

/** argmax of each row of x [N, C] → [N]. */
export function argmaxRows(x: Float32Array, n: number, c: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (x[i * c + j] > x[i * c + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** Fraction of predictions equal to the labels, in [0, 1] (0 for no images). */
export function top1Accuracy(predictions: Int32Array, labels: Int32Array): number {
  if (predictions.length !== labels.length) throw new RangeError(`${predictions.length} predictions for ${labels.length} labels`);
  let hit = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) hit++;
  return labels.length ? hit / labels.length : 0;
}
