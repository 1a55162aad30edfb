/**
 * The embedding's defaults as plain numbers, without tfjs or umap-js, so the page can show the
 * point budget and the expected time (estimate.ts) without loading the engine.
 */

/** Points in a layout unless told otherwise (images × sets). */
export const DEFAULT_BUDGET = 5000;
/** PCA axes are fitted on at most this many seeded rows of the union (all rows are projected). */
export const PCA_FIT_ROWS = 4096;

/** umap-js's epoch schedule by number of points. */
export function defaultEpochs(n: number): number {
  return n <= 2500 ? 500 : n <= 5000 ? 400 : n <= 7500 ? 300 : 200;
}
