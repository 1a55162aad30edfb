/**
 * The bounded loss curve, as properties over seeded random runs (noisy decays with spikes, skipped
 * steps, 1 to 20,000 points): at most 500 points, in step order, each an input point; the first
 * and the latest kept; the global minimum and maximum kept; every point kept up to 498.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { type LossPoint, MAX_LOSS_POINTS, addLoss, emptyLossSeries, lossPoints } from './loss-series';

function randomRun(seed: number, n: number): LossPoint[] {
  const rng = createRng(seed);
  const out: LossPoint[] = [];
  let step = 0;
  for (let i = 0; i < n; i++) {
    step += rng.next() < 0.05 ? 2 : 1; // now and then a skipped step
    const spike = rng.next() < 0.01 ? 5 * rng.next() : 0;
    out.push({ step, loss: 2 * Math.exp(-i / (n / 3 + 1)) + 0.2 * rng.normal() + spike });
  }
  return out;
}

describe('loss series', () => {
  it('stays bounded, ordered and true to its input; keeps first, last, minimum and maximum', () => {
    const rng = createRng(3);
    const lengths = [1, 2, 497, 498, 499, 500, 501, 8000, 20_000, ...Array.from({ length: 12 }, () => 1 + Math.floor(rng.next() * 12_000))];
    for (const [i, n] of lengths.entries()) {
      const input = randomRun(100 + i, n);
      let s = emptyLossSeries();
      for (const p of input) s = addLoss(s, p);
      const out = lossPoints(s);
      const what = `run of ${n}`;
      expect(s.count, what).toBe(n);
      expect(out.length, what).toBeLessThanOrEqual(MAX_LOSS_POINTS);
      expect(out[0], what).toBe(input[0]);
      expect(out[out.length - 1], what).toBe(input[n - 1]);
      for (let k = 1; k < out.length; k++) expect(out[k].step, what).toBeGreaterThan(out[k - 1].step);
      const kept = new Set(input);
      expect(out.every((p) => kept.has(p)), what).toBe(true);
      const min = input.reduce((a, b) => (b.loss < a.loss ? b : a));
      const max = input.reduce((a, b) => (b.loss > a.loss ? b : a));
      expect(out, what).toContain(min);
      expect(out, what).toContain(max);
      if (n <= 498) expect(out, what).toEqual(input);
    }
  });

  it('is plain data that survives structured cloning, and never changes a series in place', () => {
    let s = emptyLossSeries();
    for (const p of randomRun(9, 1200)) {
      const before = JSON.stringify(s);
      const next = addLoss(s, p);
      expect(JSON.stringify(s)).toBe(before);
      s = next;
    }
    expect(structuredClone(s)).toEqual(s);
    expect(lossPoints(emptyLossSeries())).toEqual([]);
  });
});
