/**
 * Expected time to a finished layout, for the "all points" option: a cost model fitted to
 * `npm run bench:umap` on the shared 2-core machine at load ~7 (docs/benchmarks.md, "UMAP"):
 * PCA ≈ 0.5 s + axes on ≤ 4,096 rows (D² each) + projection (N·D·dims), exact kNN ≈ N²·dims
 * multiply-adds, layout ≈ 2.4 µs per point and epoch. An idle machine is ~2–3× faster; treat it as
 * an order of magnitude, not a promise.
 */
import { defaultEpochs, PCA_FIT_ROWS } from './constants';

const NS_PER_MAC = 0.4e-9; // tfjs WASM matMul, loaded machine
const LAYOUT_S_PER_POINT_EPOCH = 2.4e-6;

export function estimateLayoutSeconds(points: number, dim = 512, opts: { pcaDims?: number; nEpochs?: number } = {}): number {
  const dims = Math.min(opts.pcaDims ?? 50, 50, dim);
  const pca = 0.5 + NS_PER_MAC * (Math.min(points, PCA_FIT_ROWS) * dim * dim + points * dim * dims);
  const knn = NS_PER_MAC * points * points * dims;
  const layout = LAYOUT_S_PER_POINT_EPOCH * points * (opts.nEpochs ?? defaultEpochs(points));
  return pca + knn + layout;
}
