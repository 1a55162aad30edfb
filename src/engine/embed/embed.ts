/**
 * One shared UMAP layout of several models' features of the same images: every
 * row is L2-normalised, the sets are stacked (point s·m + r = image r under set s), PCA reduces
 * the union to ≤ 50 dimensions (axes fitted on ≤ 4,096 seeded rows), exact kNN on the reduced data, UMAP's fuzzy graph, and a layout
 * started from the first two principal coordinates and optimised a few epochs per step. Fitting
 * once on the union makes positions comparable across models: an image whose merged feature
 * drifted from its expert feature lands elsewhere. A point budget keeps it interactive: at most
 * `budget` points, by a seeded subsample of the images shared by every set.
 * Deviation from umap-js: PCA init instead of uniform random init (deterministic, keeps the global
 * arrangement); graph and optimiser on typed arrays (see fuzzy-graph.ts, layout.ts).
 */
import { CancelledError, MergelabError } from '../errors';
import { DEFAULT_BUDGET, PCA_FIT_ROWS } from './constants';
import { createRng } from '../random';
import { fuzzySimplicialSet } from './fuzzy-graph';
import { exactKnn } from './knn';
import { LayoutOptimizer } from './layout';
import { fitPca, projectPca } from './pca';
import { subsampleIndices } from './subsample';

/** One model's features of the images; row i is image i in every set of a layout. */
export interface FeatureSet {
  /** Identifies the features (e.g. the FeatureCache key); part of the layout's cache key. */
  key: string;
  n: number;
  dim: number;
  /** [n, dim] row-major, not necessarily normalised. */
  z: Float32Array;
}

export interface EmbedOptions {
  /** Default 0. */
  seed?: number;
  /** Most points in the layout (images × sets), or 'all'. Default 5,000. */
  budget?: number | 'all';
  /** Default 15. */
  nNeighbors?: number;
  /** Default 0.1. */
  minDist?: number;
  /** PCA dimensions before kNN, at most 50. Default 50. */
  pcaDims?: number;
  /** Default: umap-js's schedule (200–500 by size). */
  nEpochs?: number;
}

export { DEFAULT_BUDGET, PCA_FIT_ROWS };

export type EmbedStage = 'pca' | 'knn' | 'graph' | 'layout';

export interface EmbedProgress {
  stage: EmbedStage;
  /** Within the stage: kNN rows or layout epochs done / in all (0/1, 1/1 for pca and graph). */
  done: number;
  total: number;
}

export interface SharedLayout {
  /** Feature-set keys, in the order of `positions`. */
  sets: string[];
  /** [m] image indices kept (ascending), shared by every set. */
  images: Int32Array;
  /** [sets.length · m, 2]: point s·m + r is image images[r] under set s. */
  positions: Float32Array;
  /** PCA dimensions used and the share of the variance they keep (on the rows the axes were fitted on). */
  pca: { dims: number; explained: number };
  seconds: Record<EmbedStage | 'total', number>;
}

/** Bad input to the embedding, with what to do. */
export class EmbedInputError extends MergelabError {
  constructor(problem: string, hint = 'Embed features of the same images computed by models of one architecture.') {
    super('embed-input', problem, hint);
    this.name = 'EmbedInputError';
  }
}

/** The images of `sets` a layout keeps: all, or a seeded subsample fitting the point budget. */
export function layoutImages(n: number, sets: number, opts: EmbedOptions = {}): Int32Array {
  const budget = opts.budget ?? DEFAULT_BUDGET;
  const m = budget === 'all' ? n : Math.min(n, Math.floor(budget / sets));
  return subsampleIndices(n, m, opts.seed ?? 0);
}

/** A layout being computed: prepare() runs PCA, kNN and the graph; step() runs layout epochs. */
export class UmapEmbedding {
  readonly optimizer: LayoutOptimizer;
  private readonly seconds: Record<EmbedStage | 'total', number>;

  private constructor(readonly sets: string[], readonly images: Int32Array, optimizer: LayoutOptimizer, readonly pca: SharedLayout['pca'], seconds: Record<EmbedStage | 'total', number>) {
    this.optimizer = optimizer;
    this.seconds = seconds;
  }

  static prepare(sets: FeatureSet[], opts: EmbedOptions = {}, onProgress?: (p: EmbedProgress) => void): UmapEmbedding {
    const t0 = performance.now();
    validate(sets, opts);
    const images = layoutImages(sets[0].n, sets.length, opts);
    const m = images.length;
    const dim = sets[0].dim;
    const N = m * sets.length;
    const k = Math.min(opts.nNeighbors ?? 15, N);
    if (N <= k || m === 0) throw new EmbedInputError(`A layout needs more than ${k} points, but the budget keeps ${N}.`, 'Raise the point budget or lower nNeighbors.');
    const x = new Float32Array(N * dim); // [N, dim] L2-normalised rows
    sets.forEach((s, si) => images.forEach((img, r) => normalizeInto(s.z, img * dim, x, (si * m + r) * dim, dim)));
    onProgress?.({ stage: 'pca', done: 0, total: 1 });
    const dims = Math.min(opts.pcaDims ?? 50, 50, dim, N);
    const fit = subsampleIndices(N, PCA_FIT_ROWS, opts.seed ?? 0); // [f] rows the axes are fitted on
    const fitX = fit.length === N ? x : new Float32Array(fit.length * dim);
    if (fitX !== x) fit.forEach((row, i) => fitX.set(x.subarray(row * dim, (row + 1) * dim), i * dim));
    const pca = fitPca(fitX, fit.length, dim, dims);
    const reduced = projectPca(pca, x, N); // [N, dims]
    const t1 = performance.now();
    onProgress?.({ stage: 'pca', done: 1, total: 1 });
    const knn = exactKnn(reduced, N, dims, k, (done, total) => onProgress?.({ stage: 'knn', done, total }));
    const t2 = performance.now();
    const graph = fuzzySimplicialSet(knn);
    const t3 = performance.now();
    onProgress?.({ stage: 'graph', done: 1, total: 1 });
    const rng = createRng(opts.seed ?? 0);
    const optimizer = new LayoutOptimizer(graph, pcaInit(reduced, N, dims, rng), rng, { nEpochs: opts.nEpochs, minDist: opts.minDist });
    const explained = pca.totalVariance > 0 ? pca.variances.reduce((a, b) => a + b, 0) / pca.totalVariance : 1;
    const ms = (a: number, b: number) => (b - a) / 1000;
    return new UmapEmbedding(sets.map((s) => s.key), images, optimizer, { dims, explained }, { pca: ms(t0, t1), knn: ms(t1, t2), graph: ms(t2, t3), layout: 0, total: ms(t0, performance.now()) });
  }

  get done(): boolean { return this.optimizer.done; }

  /** Runs up to `epochs` layout epochs. */
  step(epochs: number): EmbedProgress {
    const t = performance.now();
    this.optimizer.step(epochs);
    const s = (performance.now() - t) / 1000;
    this.seconds.layout += s;
    this.seconds.total += s;
    return { stage: 'layout', done: this.optimizer.epoch, total: this.optimizer.nEpochs };
  }

  /** The layout as it stands (a copy). */
  result(): SharedLayout {
    return { sets: [...this.sets], images: this.images.slice(), positions: this.optimizer.embedding.slice(), pca: { ...this.pca }, seconds: { ...this.seconds } };
  }
}

export interface EmbedRunOptions {
  onProgress?: (p: EmbedProgress) => void;
  /** Checked between layout chunks; throws CancelledError when set. */
  signal?: { readonly aborted: boolean };
  /** Epochs per chunk between progress reports and yields to the event loop (default 10). */
  chunkEpochs?: number;
}

/** Prepares and runs a layout to the end, yielding between chunks so a worker can receive a cancel. */
export async function embedFeatures(sets: FeatureSet[], opts: EmbedOptions = {}, run: EmbedRunOptions = {}): Promise<SharedLayout> {
  const job = UmapEmbedding.prepare(sets, opts, run.onProgress);
  while (!job.done) {
    await new Promise((r) => setTimeout(r, 0));
    if (run.signal?.aborted) throw new CancelledError('embedding');
    const p = job.step(run.chunkEpochs ?? 10); // not inside ?.(): that would skip the step without a listener
    run.onProgress?.(p);
  }
  return job.result();
}

function validate(sets: FeatureSet[], opts: EmbedOptions): void {
  if (!sets.length) throw new EmbedInputError('Nothing to embed: no feature sets were given.');
  const { n, dim } = sets[0];
  const problems = sets.flatMap((s) => [
    ...(s.n !== n || s.dim !== dim ? [`${s.key} holds [${s.n}, ${s.dim}] features, the first set [${n}, ${dim}]`] : []),
    ...(s.z.length !== s.n * s.dim ? [`${s.key} has ${s.z.length} values, not ${s.n} × ${s.dim}`] : []),
    ...(s.z.some((v) => !Number.isFinite(v)) ? [`${s.key} contains NaN or Infinity`] : []),
  ]);
  if (new Set(sets.map((s) => s.key)).size !== sets.length) problems.push('two sets share one key');
  if (problems.length) throw new EmbedInputError(`The feature sets cannot share a layout: ${problems.join('; ')}.`);
  const b = opts.budget ?? DEFAULT_BUDGET;
  if (b !== 'all' && !(b >= 1)) throw new EmbedInputError(`The point budget must be a positive number or 'all', got ${b}.`);
}

function normalizeInto(src: Float32Array, so: number, dst: Float32Array, d0: number, dim: number): void {
  let s = 0;
  for (let i = 0; i < dim; i++) s += src[so + i] * src[so + i];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < dim; i++) dst[d0 + i] = src[so + i] * inv;
}

/** First two principal coordinates of reduced [N, dims], scaled to ±10, with a 1e-4 seeded jitter against ties. */
function pcaInit(reduced: Float32Array, N: number, dims: number, rng: { normal(): number }): Float32Array {
  const init = new Float32Array(N * 2);
  let max = 0;
  for (let i = 0; i < N; i++) for (let c = 0; c < 2; c++) max = Math.max(max, Math.abs(c < dims ? reduced[i * dims + c] : 0));
  const scale = max > 0 ? 10 / max : 1;
  for (let i = 0; i < N; i++) for (let c = 0; c < 2; c++) init[i * 2 + c] = (c < dims ? reduced[i * dims + c] : 0) * scale + 1e-4 * rng.normal();
  return init;
}
