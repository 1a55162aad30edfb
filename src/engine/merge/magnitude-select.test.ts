import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { MagnitudeSelector, keepCount } from './magnitude-select';

const bitsToFloat = (bits: number) => new Float32Array(new Uint32Array([bits]).buffer)[0];

/** Reference: the keep-th largest |x| by sorting everything. */
function sortedThreshold(chunks: Float32Array[], k: number): number {
  const all = chunks.flatMap((c) => Array.from(c, Math.abs)).sort((a, b) => b - a);
  const keep = keepCount(all.length, k);
  return keep === 0 ? Infinity : all[keep - 1];
}

/** The threshold must keep exactly the entries the sorted reference keeps. */
function expectSameKept(chunks: Float32Array[], thr: number, ref: number): void {
  const kept = (t: number) => chunks.flatMap((c) => Array.from(c, (x) => Math.abs(x) >= t));
  expect(kept(thr)).toEqual(kept(ref));
}

function select(chunks: Float32Array[], k: number): { value: number; finePass: boolean } {
  const s = new MagnitudeSelector(k);
  for (const c of chunks) s.addCoarse(c);
  const finePass = s.needsFinePass();
  if (finePass) for (const c of chunks) s.addFine(c);
  return { value: bitsToFloat(s.thresholdBits()), finePass };
}

describe('MagnitudeSelector (exact global top-k of |τ| from two histogram passes)', () => {
  it('matches a full sort on random tensors split into chunks, for many k', () => {
    const rng = createRng(7);
    const chunks = [1000, 1, 5000, 333, 0, 4096].map((n) => Float32Array.from({ length: n }, () => rng.normal() * 0.01 * (1 + rng.int(3))));
    for (const k of [0.5, 1, 5, 20, 33.3, 50, 90, 99.99]) {
      expectSameKept(chunks, select(chunks, k).value, sortedThreshold(chunks, k));
    }
  });

  it('is exact when many values share the threshold bucket (values on a coarse grid, signs mixed)', () => {
    const rng = createRng(3);
    // 16 distinct magnitudes 1 + j/2^20 all fall in one coarse bucket: only the fine pass separates them.
    const chunks = [Float32Array.from({ length: 20_000 }, () => (1 + rng.int(16) / 2 ** 20) * (rng.next() < 0.5 ? -1 : 1))];
    const r = select(chunks, 20);
    expect(r.finePass).toBe(true);
    expect(r.value).toBe(Math.fround(sortedThreshold(chunks, 20))); // the exact 2087th-largest magnitude
  });

  it('bounds() brackets the threshold before pass 2, and pass 2 flags exactly the undecided entries', () => {
    const rng = createRng(5);
    const tau = Float32Array.from({ length: 50_000 }, () => rng.normal());
    const s = new MagnitudeSelector(20);
    s.addCoarse(tau);
    expect(s.needsFinePass()).toBe(true);
    const { maybe, sure } = s.bounds();
    const flags = new Uint8Array(tau.length);
    s.addFine(tau, tau.length, flags);
    const bits = new Uint32Array(tau.buffer);
    bits.forEach((b, i) => expect(flags[i]).toBe(+((b & 0x7fffffff) >= maybe && (b & 0x7fffffff) < sure)));
    const thr = s.thresholdBits();
    expect(thr >= maybe && thr < sure).toBe(true);
    expect(s.bounds()).toEqual({ maybe: thr, sure: thr });
  });

  it('skips the fine pass when the whole threshold bucket is kept, and keeps everything at k = 100', () => {
    const exact = [new Float32Array([4, -3, 2, 1, 0.5])];
    // keep ⌊5·0.2⌋+1 = 2: |4|, |−3|; 3 is alone in its bucket, whose lower edge is 3 itself.
    expect(select(exact, 20)).toEqual({ value: 3, finePass: false });
    expectSameKept(exact, select(exact, 100).value, 0.5);
    expect(select([new Float32Array([0, 0, 0])], 50).value).toBe(0);
  });

  it('counts what TIES keeps like the reference topk_values_mask (⌊n·k/100⌋ + 1, capped at n)', () => {
    expect(keepCount(115_712, 20)).toBe(23_143);
    expect(keepCount(10, 100)).toBe(10);
    expect(keepCount(10, 95)).toBe(10);
    expect(keepCount(0, 20)).toBe(0);
  });
});
