import { describe, expect, it } from 'vitest';
import { SuiteError } from '../data/errors';
import { memorySource } from '../io/byte-source';
import { memorySink, openSafetensors, writeSafetensors, type WriteDtype } from '../io/safetensors';
import { headLogits, readHeads } from './heads';

async function headsFile(tensors: Record<string, { dtype?: WriteDtype; shape: number[]; values: number[] }>) {
  const sink = memorySink();
  const specs = Object.entries(tensors).map(([name, t]) => ({ name, dtype: t.dtype ?? 'F32' as WriteDtype, shape: t.shape }));
  await writeSafetensors(sink, specs, (s) => Float32Array.from(tensors[s.name].values));
  return openSafetensors(memorySource(sink.bytes(), 'heads.safetensors'));
}

const s = Math.SQRT1_2;

describe('classification heads', () => {
  it('reads valid heads and computes s · normalize(z) · Hᵀ', async () => {
    const store = await headsFile({ a: { shape: [3, 2], values: [1, 0, 0, 1, s, s] }, b: { shape: [1, 2], values: [0, -1] } });
    const heads = await readHeads(store, [{ name: 'a', classes: ['x', 'y', 'z'] }, { name: 'b', classes: ['only'] }]);
    const a = heads.get('a')!;
    expect([a.numClasses, a.dim]).toEqual([3, 2]);
    // z = (3, 4): ‖z‖ = 5 → normalize = (0.6, 0.8); logits = 100 · (0.6, 0.8, 1.4/√2).
    const logits = headLogits(Float32Array.of(3, 4, -6, -8, 0, 0), 3, a, 100);
    const want = [60, 80, 140 * s, -60, -80, -140 * s, 0, 0, 0];
    want.forEach((v, i) => expect(logits[i]).toBeCloseTo(v, 4));
  });

  it('lists every problem at once, naming the file and the task', async () => {
    const store = await headsFile({
      wrongC: { shape: [2, 2], values: [1, 0, 0, 1] },
      notUnit: { shape: [2, 2], values: [1, 0, 0, 2] },
      ints: { dtype: 'I32', shape: [1, 2], values: [1, 0] },
    });
    const err = await readHeads(store, [
      { name: 'wrongC', classes: ['a', 'b', 'c'] },
      { name: 'notUnit', classes: ['a', 'b'] },
      { name: 'ints', classes: ['a'] },
      { name: 'missing', classes: ['a'] },
    ]).catch((e) => e);
    expect(err).toBeInstanceOf(SuiteError);
    expect(err.message).toMatch(/^heads\.safetensors: 4 problems/);
    expect(err.message).toMatch(/"wrongC" has 2 rows but the manifest lists 3 classes/);
    expect(err.message).toMatch(/"notUnit" rows 1 are not unit-norm/);
    expect(err.message).toMatch(/"ints" is I32, heads must be float/);
    expect(err.message).toMatch(/no tensor "missing"/);
    expect(err.hint).toMatch(/divided by its L2 norm/);
  });

  it('rejects heads with different feature sizes', async () => {
    const store = await headsFile({ a: { shape: [1, 2], values: [1, 0] }, b: { shape: [1, 3], values: [0, 0, 1] } });
    await expect(readHeads(store, [{ name: 'a', classes: ['x'] }, { name: 'b', classes: ['y'] }])).rejects.toThrow(/disagree on the feature size P: "a" 2, "b" 3/);
  });
});
