/**
 * UMAP's layout optimisation (McInnes et al., arXiv:1802.03426, §3.2 and Appendix; umap-js 1.4's
 * optimizeLayoutStep): stochastic gradient descent on the fuzzy cross-entropy in 2-D, each edge
 * sampled in proportion to its weight, attraction −2ab·d^{2(b−1)} / (1 + a·d^{2b}), `negativeSampleRate`
 * repulsive samples per attraction, gradients clipped at 4, learning rate decaying linearly to 0.
 * a and b come from umap-js's own curve fit (findABParams) for `minDist` and `spread`; the epoch
 * count follows umap-js (500 epochs up to 2,500 points … 200 above 7,500).
 * Deviations: typed arrays, one pow per sample, an approximate pow by default (see approxPow), and
 * the run is an object stepped a few epochs at a time (progress, cancel). Randomness comes from the
 * engine's seeded Rng (it seeds an inlined xorshift32 for negative samples).
 */
import { findABParams } from 'umap-js/dist/umap.js';
import type { Rng } from '../random';
import type { FuzzyGraph } from './fuzzy-graph';
import { defaultEpochs } from './constants';

export interface LayoutOptions {
  /** Default: umap-js's schedule for the number of points. */
  nEpochs?: number;
  /** Default 0.1. */
  minDist?: number;
  /** Default 1. */
  spread?: number;
  /** Default 1. */
  learningRate?: number;
  /** Default 5. */
  negativeSampleRate?: number;
  /** Default 1. */
  repulsionStrength?: number;
  /**
   * Use an approximate power function in the gradients (default true): Ankerl's bit-level
   * approximation, as uwot's `approx_pow` option does. Math.pow costs ~50 ns here and was 2/3 of
   * the layout time; the approximation is within 6 % (tested), which SGD noise dwarfs.
   */
  approxPow?: boolean;
}

export { defaultEpochs };

const CLIP = 4;
const clip = (v: number) => (v > CLIP ? CLIP : v < -CLIP ? -CLIP : v);

export class LayoutOptimizer {
  /** [n, 2] positions, updated in place by step(). */
  readonly embedding: Float32Array;
  readonly nEpochs: number;
  /** Epochs run so far. */
  epoch = 0;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private readonly epochsPerSample: Float64Array;
  private readonly epochOfNextSample: Float64Array;
  private readonly epochsPerNegativeSample: Float64Array;
  private readonly epochOfNextNegativeSample: Float64Array;
  private readonly a: number;
  private readonly b: number;
  private readonly alpha0: number;
  private readonly gamma: number;
  private readonly pow: (x: number) => number;
  /** xorshift32 state for negative sampling, seeded from the Rng (inlined: a call per sample cost 10 %). */
  private state: number;

  /** `init` [n, 2] is copied. */
  constructor(graph: FuzzyGraph, init: Float32Array, rng: Rng, opts: LayoutOptions = {}) {
    if (init.length !== graph.n * 2) throw new RangeError(`LayoutOptimizer: init holds ${init.length} values, not [${graph.n}, 2]`);
    this.embedding = Float32Array.from(init);
    this.nEpochs = opts.nEpochs ?? defaultEpochs(graph.n);
    ({ a: this.a, b: this.b } = findABParams(opts.spread ?? 1, opts.minDist ?? 0.1));
    this.alpha0 = opts.learningRate ?? 1;
    this.gamma = opts.repulsionStrength ?? 1;
    this.state = Math.floor(rng.next() * 4294967295) + 1; // never 0
    this.pow = opts.approxPow === false ? ((b) => (x: number) => Math.pow(x, b))(this.b) : approximatePow(this.b);
    let max = 0;
    for (const w of graph.weight) max = Math.max(max, w);
    const keep: number[] = []; // edges too weak to be sampled once in nEpochs are dropped, as in umap
    for (let e = 0; e < graph.weight.length; e++) if (graph.weight[e] >= max / this.nEpochs) keep.push(e);
    this.head = Int32Array.from(keep, (e) => graph.head[e]);
    this.tail = Int32Array.from(keep, (e) => graph.tail[e]);
    this.epochsPerSample = Float64Array.from(keep, (e) => max / graph.weight[e]);
    const neg = opts.negativeSampleRate ?? 5;
    this.epochOfNextSample = Float64Array.from(this.epochsPerSample);
    this.epochsPerNegativeSample = this.epochsPerSample.map((e) => e / neg);
    this.epochOfNextNegativeSample = Float64Array.from(this.epochsPerNegativeSample);
  }

  get done(): boolean { return this.epoch >= this.nEpochs; }

  /** Runs up to `epochs` more epochs; returns the number of epochs run so far. */
  step(epochs = 1): number {
    const y = this.embedding;
    const { head, tail, epochsPerSample, epochOfNextSample, epochsPerNegativeSample, epochOfNextNegativeSample, a, b, gamma, pow } = this;
    const nVertices = y.length / 2;
    const attract = -2 * a * b;
    const repel = 2 * gamma * b;
    let state = this.state;
    const end = Math.min(this.nEpochs, this.epoch + epochs);
    for (let n = this.epoch; n < end; n++) {
      const alpha = this.alpha0 * (1 - n / this.nEpochs);
      for (let i = 0; i < epochsPerSample.length; i++) {
        if (epochOfNextSample[i] > n) continue;
        const j = head[i] * 2;
        const k = tail[i] * 2;
        let dx = y[j] - y[k];
        let dy = y[j + 1] - y[k + 1];
        let d2 = dx * dx + dy * dy;
        if (d2 > 0) {
          const pb = pow(d2);
          const g = (attract * (pb / d2)) / (a * pb + 1);
          const gx = clip(g * dx) * alpha, gy = clip(g * dy) * alpha;
          y[j] += gx; y[j + 1] += gy;
          y[k] -= gx; y[k + 1] -= gy;
        }
        epochOfNextSample[i] += epochsPerSample[i];
        const nNeg = Math.floor((n - epochOfNextNegativeSample[i]) / epochsPerNegativeSample[i]);
        for (let p = 0; p < nNeg; p++) {
          state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
          const o = ((state >>> 0) % nVertices) * 2;
          dx = y[j] - y[o];
          dy = y[j + 1] - y[o + 1];
          d2 = dx * dx + dy * dy;
          if (d2 > 0) {
            const g = repel / ((0.001 + d2) * (a * pow(d2) + 1));
            y[j] += clip(g * dx) * alpha;
            y[j + 1] += clip(g * dy) * alpha;
          } else if (j !== o) {
            y[j] += CLIP * alpha;
            y[j + 1] += CLIP * alpha;
          }
        }
        epochOfNextNegativeSample[i] += nNeg * epochsPerNegativeSample[i];
      }
    }
    this.state = state;
    this.epoch = end;
    return end;
  }
}

/**
 * x^b for x > 0 (M. Ankerl, "Optimized pow() approximation for Java, C/C++, and C#", 2012):
 * the fractional part of b scales the high word of x's IEEE-754 bits, the integer part is exact
 * repeated squaring. Each call owns its scratch buffer.
 */
export function approximatePow(b: number): (x: number) => number {
  const f64 = new Float64Array(1);
  const hi = new Int32Array(f64.buffer); // little-endian: [1] is the high word (sign, exponent, top of mantissa)
  const e = Math.floor(b);
  const frac = b - e;
  return (x: number) => {
    f64[0] = x;
    hi[1] = (frac * (hi[1] - 1072632447) + 1072632447) | 0;
    hi[0] = 0;
    let r = f64[0];
    for (let i = 0, base = x; i < 31 && e >> i; i++, base *= base) if ((e >> i) & 1) r *= base;
    return r;
  };
}
