import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { bitsOf, trimAndSum } from './kernels';
import { MajoritySign } from './majority-sign';

const f32bits = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];

describe('MajoritySign (the TIES majority sign summed before the exact thresholds are known)', () => {
  it('totals Σ sign(S) exactly as computed with the exact thresholds, over many chunks and thresholds', () => {
    const rng = createRng(11);
    const T = 3;
    const m = 4096;
    // Values on a coarse grid so that many magnitudes sit inside the undecided ranges.
    const chunks = Array.from({ length: 5 }, () => Array.from({ length: T }, () => Float32Array.from({ length: m }, () => (rng.int(41) - 20) / 64)));
    for (const [lo, hi, exact] of [[0.125, 0.25, 0.1875], [0.25, 0.375, 0.25], [0.0625, 0.5, 0.3125]]) {
      const bounds = Array.from({ length: T }, (_, t) => (t === 1 ? { maybe: f32bits(exact), sure: f32bits(exact) } : { maybe: f32bits(lo), sure: f32bits(hi) }));
      const thresholds = Array.from({ length: T }, () => f32bits(exact));
      const maj = new MajoritySign();
      let want = 0;
      const kept = Array.from({ length: T }, () => new Float32Array(m));
      const S = new Float64Array(m);
      const flags = new Uint8Array(m);
      for (const taus of chunks) {
        flags.fill(0);
        taus.forEach((tau, t) => bitsOf(tau).forEach((b, i) => { if ((b & 0x7fffffff) >= bounds[t].maybe && (b & 0x7fffffff) < bounds[t].sure) flags[i] = 1; }));
        trimAndSum(kept, S, taus, bounds.map((b) => b.sure), m);
        maj.add(S, flags, taus, bounds, m);
        trimAndSum(kept, S, taus, thresholds, m);
        for (let i = 0; i < m; i++) want += Math.sign(S[i]);
      }
      expect(maj.pending).toBeGreaterThan(100);
      expect(maj.total(thresholds)).toBe(want);
      expect(maj.resolve(thresholds)).toBe(Math.sign(want));
    }
  });
});

describe('MajoritySign on a chunk shorter than its buffers', () => {
  it('holds only undecided entries in [0, m)', () => {
    const maj = new MajoritySign();
    const bounds = [{ maybe: f32bits(0.1), sure: f32bits(1) }];
    // Entry 1 is flagged and in the bucket, but past m = 1: it must not be held or counted.
    maj.add(Float64Array.of(2, -3), Uint8Array.of(0, 1), [Float32Array.of(2, -0.5)], bounds, 1);
    expect(maj.pending).toBe(0);
    expect(maj.total([f32bits(0.2)])).toBe(1);
  });
});
