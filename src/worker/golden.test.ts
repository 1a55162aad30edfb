import { describe, expect, it } from 'vitest';
import { memorySink, openSafetensors, writeSafetensors } from '../engine/io/safetensors';
import { memorySource } from '../engine/io/byte-source';
import { createRng } from '../engine/random';
import { compareWithGolden, maxAbsDiff } from './golden';
import type { NamedOutput } from './forward-outputs';

async function goldenStore(tensors: Record<string, { shape: number[]; values: Float32Array }>) {
  const sink = memorySink();
  const names = Object.keys(tensors);
  await writeSafetensors(sink, names.map((name) => ({ name, dtype: 'F32' as const, shape: tensors[name].shape })), async (spec) => tensors[spec.name].values);
  return openSafetensors(memorySource(sink.bytes(), 'golden.safetensors'));
}

describe('maxAbsDiff', () => {
  it('is zero on equal arrays, symmetric, and finds the largest difference', () => {
    const rng = createRng(3);
    const a = Float32Array.from({ length: 50 }, () => rng.normal());
    const b = a.slice();
    expect(maxAbsDiff(a, b)).toBe(0);
    b[17] += 0.5;
    b[3] -= 0.25;
    expect(maxAbsDiff(a, b)).toBeCloseTo(0.5, 6);
    expect(maxAbsDiff(b, a)).toBe(maxAbsDiff(a, b));
  });

  it('reports NaN and length mismatches as failures', () => {
    expect(maxAbsDiff([1, NaN], [1, 2])).toBeNaN();
    expect(maxAbsDiff([1, 2], [1])).toBe(Infinity);
  });
});

describe('compareWithGolden', () => {
  const out = (name: string, shape: number[], values: number[]): NamedOutput => ({ name, shape, values: Float32Array.from(values) });

  it('rows follow HF output order and pass or fail at the tolerance', async () => {
    const golden = await goldenStore({
      'hidden_states.10': { shape: [1], values: Float32Array.of(1) },
      'hidden_states.2': { shape: [1], values: Float32Array.of(1) },
      pooler_output: { shape: [2], values: Float32Array.of(1, 2) },
      last_hidden_state: { shape: [1, 2], values: Float32Array.of(0, 0) },
    });
    const rows = await compareWithGolden([
      out('last_hidden_state', [1, 2], [0, 5e-5]),
      out('pooler_output', [2], [1, 2.001]),
      out('hidden_states.2', [1], [1]),
      out('hidden_states.10', [1], [1]),
    ], golden, 1e-4);
    expect(rows.map((r) => r.name)).toEqual(['last_hidden_state', 'pooler_output', 'hidden_states.2', 'hidden_states.10']);
    expect(rows.map((r) => r.pass)).toEqual([true, false, true, true]);
    expect(rows[0].maxAbsDiff).toBeCloseTo(5e-5, 9);
    expect(rows[1].maxAbsDiff).toBeCloseTo(1e-3, 6);
  });

  it('fails a missing output and a shape mismatch instead of skipping them', async () => {
    const golden = await goldenStore({
      image_embeds: { shape: [1, 2], values: Float32Array.of(0, 0) },
      pooler_output: { shape: [1, 2], values: Float32Array.of(0, 0) },
    });
    const rows = await compareWithGolden([out('pooler_output', [2, 1], [0, 0])], golden, 1e-4);
    expect(rows).toEqual([
      { name: 'pooler_output', shape: [2, 1], expectedShape: [1, 2], maxAbsDiff: Infinity, pass: false },
      { name: 'image_embeds', shape: [], expectedShape: [1, 2], maxAbsDiff: Infinity, pass: false },
    ]);
  });
});
