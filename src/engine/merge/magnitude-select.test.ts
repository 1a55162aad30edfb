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

describe('MagnitudeSelector bookkeeping', () => {
  const bitsOf = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];

  it('with no entries keeps nothing (threshold above every finite magnitude); k = 0 still keeps the largest', () => {
    const s = new MagnitudeSelector(20);
    s.addCoarse(new Float32Array(0));
    expect(s.needsFinePass()).toBe(false);
    expect(s.thresholdBits()).toBe(0x7f800001);
    expect(select([Float32Array.of(0.5, -2, 1)], 0).value).toBe(2); // ⌊3·0⌋ + 1 = 1 kept
  });

  it('fineBucket and fineEntries: the threshold bucket and how many entries it holds, −1 and 0 without pass 2', () => {
    // 1 + j/2^20 (j = 0 … 9) share one coarse bucket; 4 and 8 lie above it. k = 40 % of 12 keeps ⌊4.8⌋ + 1 = 5.
    const tau = Float32Array.from([...Array.from({ length: 10 }, (_, j) => 1 + j / 2 ** 20), 4, -8]);
    const s = new MagnitudeSelector(40);
    s.addCoarse(tau);
    expect(s.needsFinePass()).toBe(true);
    expect(s.fineBucket).toBe(bitsOf(1) >>> 15);
    expect(s.fineEntries).toBe(10);
    expect(s.bounds()).toEqual({ maybe: (bitsOf(1) >>> 15) << 15, sure: ((bitsOf(1) >>> 15) + 1) << 15 });
    s.addFine(tau);
    expect(s.thresholdBits()).toBe(bitsOf(1 + 7 / 2 ** 20)); // 8, 4, then the three largest of the bucket: j = 9, 8, 7
    expect(s.fineBucket).toBe(-1);
    expect(s.fineEntries).toBe(0);
  });

  it('counts into given histogram storage (zeroed first), and refuses storage of the wrong size', () => {
    const storage = { coarse: new Uint32Array(1 << 16).fill(5), fine: new Uint32Array(1 << 15).fill(5) };
    const s = new MagnitudeSelector(50, storage);
    expect(storage.coarse.every((v) => v === 0)).toBe(true);
    s.addCoarse(Float32Array.of(1, -1, 2));
    expect(storage.coarse[bitsOf(1) >>> 15]).toBe(2);
    expect(storage.coarse[bitsOf(2) >>> 15]).toBe(1);
    expect(() => new MagnitudeSelector(50, { coarse: new Uint32Array(10), fine: new Uint32Array(1 << 15) })).toThrow(/wrong size/);
    expect(() => new MagnitudeSelector(50, { coarse: new Uint32Array(1 << 16), fine: new Uint32Array(10) })).toThrow(/wrong size/);
  });

  it('thresholdBits without needsFinePass after pass 1 says what to call', () => {
    const s = new MagnitudeSelector(40);
    s.addCoarse(Float32Array.from(Array.from({ length: 10 }, (_, j) => 1 + j / 2 ** 20)));
    expect(() => s.thresholdBits()).toThrow(/call needsFinePass\(\) after pass 1, then pass 2/);
  });
});

describe('MagnitudeSelector: storage, repeated calls, chunk bounds', () => {
  // Ten values 1 + j·2⁻²⁰ share one coarse bucket; k = 40 % keeps ⌊10·40/100⌋ + 1 = 5, the 5th largest is 1 + 5·2⁻²⁰.
  const bits32 = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];
  const grid = Float32Array.from(Array.from({ length: 10 }, (_, j) => 1 + j / 2 ** 20));

  it('counts pass 2 into the given fine storage (zeroed first): one count at each value\'s low 15 bits', () => {
    const storage = { coarse: new Uint32Array(1 << 16), fine: new Uint32Array(1 << 15).fill(5) };
    const s = new MagnitudeSelector(40, storage);
    s.addCoarse(grid);
    expect(s.needsFinePass()).toBe(true);
    s.addFine(grid);
    const want = new Uint32Array(1 << 15);
    for (const x of grid) want[bits32(x) & 0x7fff]++;
    expect(storage.fine).toEqual(want);
    expect(bitsToFloat(s.thresholdBits())).toBe(1 + 5 / 2 ** 20);
  });

  it('needsFinePass() asked again after pass 2 keeps pass 2\'s counts, and after the threshold reports no pass 2 pending', () => {
    const s = new MagnitudeSelector(40);
    s.addCoarse(grid);
    expect(s.needsFinePass()).toBe(true);
    s.addFine(grid);
    expect(s.needsFinePass()).toBe(true);
    expect(bitsToFloat(s.thresholdBits())).toBe(1 + 5 / 2 ** 20);
    // Once the threshold is known, no pass 2 is pending: asking again changes nothing.
    expect(s.needsFinePass()).toBe(false);
    expect([s.fineBucket, s.fineEntries]).toEqual([-1, 0]);
    expect(bitsToFloat(s.thresholdBits())).toBe(1 + 5 / 2 ** 20);
  });

  it('addFine reads and flags only tau[0, m), even in bucket 0 (zeros)', () => {
    // Four zeros in six: k = 50 % of 4 keeps 3 of bucket 0's 4 entries, so pass 2 runs on bucket 0.
    const tau = new Float32Array(6);
    const s = new MagnitudeSelector(50);
    s.addCoarse(tau, 4);
    expect(s.needsFinePass()).toBe(true);
    expect(s.fineEntries).toBe(4);
    const flags = new Uint8Array(6);
    s.addFine(tau, 4, flags);
    expect(Array.from(flags)).toEqual([1, 1, 1, 1, 0, 0]);
    expect(s.thresholdBits()).toBe(0);
  });
});
