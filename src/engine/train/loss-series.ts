/**
 * A bounded loss curve for long runs (8,000 steps must not become 8,000 chart points): points go
 * into buckets of `width` consecutive points, each bucket keeping its lowest and highest point
 * (min/max decimation); when there would be more than MAX_BUCKETS buckets the width doubles and
 * neighbouring buckets merge. The first and the latest point are always kept, and so are the
 * global minimum and maximum (a bucket's extremes survive every merge). Lossless up to
 * 2 · MAX_BUCKETS points; never more than MAX_LOSS_POINTS. Plain data, updated immutably (a new
 * object per point), so it can live in the page's store and cross postMessage.
 */

export interface LossPoint {
  step: number;
  loss: number;
}

export interface LossSeries {
  /** Points added so far. */
  count: number;
  /** Consecutive points per bucket (a power of two). */
  width: number;
  first: LossPoint | null;
  last: LossPoint | null;
  /** Bucket k holds points [k·width, (k+1)·width) in arrival order: its lowest and highest. */
  buckets: { lo: LossPoint; hi: LossPoint }[];
}

/** At most this many points come out of lossPoints. */
export const MAX_LOSS_POINTS = 500;
const MAX_BUCKETS = (MAX_LOSS_POINTS - 2) / 2;

export const emptyLossSeries = (): LossSeries => ({ count: 0, width: 1, first: null, last: null, buckets: [] });

const lower = (a: LossPoint, b: LossPoint) => (b.loss < a.loss ? b : a);
const higher = (a: LossPoint, b: LossPoint) => (b.loss > a.loss ? b : a);

/** The series with one more point (steps must increase). */
export function addLoss(s: LossSeries, p: LossPoint): LossSeries {
  let { width, buckets } = s;
  const k = Math.floor(s.count / width);
  if (k < buckets.length) {
    const b = buckets[k];
    buckets = [...buckets.slice(0, k), { lo: lower(b.lo, p), hi: higher(b.hi, p) }];
  } else if (buckets.length < MAX_BUCKETS) {
    buckets = [...buckets, { lo: p, hi: p }];
  } else {
    // Full: merge neighbours (width doubles), then the point starts or joins the last bucket.
    width *= 2;
    const merged: LossSeries['buckets'] = [];
    for (let i = 0; i < buckets.length; i += 2) {
      const a = buckets[i], b = buckets[i + 1];
      merged.push(b ? { lo: lower(a.lo, b.lo), hi: higher(a.hi, b.hi) } : a);
    }
    return addLoss({ ...s, width, buckets: merged }, p);
  }
  return { count: s.count + 1, width, first: s.first ?? p, last: p, buckets };
}

/** The points to draw, in step order: the first, each bucket's extremes, the latest. */
export function lossPoints(s: LossSeries): LossPoint[] {
  const all = [s.first, ...s.buckets.flatMap((b) => (b.lo.step <= b.hi.step ? [b.lo, b.hi] : [b.hi, b.lo])), s.last];
  const out: LossPoint[] = [];
  for (const p of all) if (p && (out.length === 0 || p.step > out[out.length - 1].step)) out.push(p);
  return out;
}
