/**
 * The "Check against golden" comparison: a model's outputs against golden.safetensors, one row per
 * golden tensor (max absolute difference, pass at a tolerance). Missing outputs and shape
 * mismatches are failing rows, never skipped. Plain arrays only; no tfjs.
 */
import type { TensorStore } from '../engine/io/safetensors';
import type { GoldenRow } from './api';
import type { NamedOutput } from './forward-outputs';

/** max |a − b| over two equally long arrays (NaN anywhere gives NaN). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d; // also propagates NaN
  }
  return m;
}

/** HF output order: last_hidden_state, pooler_output, image_embeds, hidden_states.0..L. */
function rank(name: string): number {
  const fixed = ['last_hidden_state', 'pooler_output', 'image_embeds'].indexOf(name);
  if (fixed >= 0) return fixed;
  const m = /^hidden_states\.(\d+)$/.exec(name);
  return m ? 3 + Number(m[1]) : 1e9;
}

/** One row per tensor in the golden file, in HF output order. */
export async function compareWithGolden(outputs: readonly NamedOutput[], golden: TensorStore, tolerance: number): Promise<GoldenRow[]> {
  const ours = new Map(outputs.map((o) => [o.name, o]));
  const names = [...golden.tensors.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const rows: GoldenRow[] = [];
  for (const name of names) {
    const expected = await golden.read(name);
    const mine = ours.get(name);
    const sameShape = !!mine && mine.shape.length === expected.shape.length && mine.shape.every((d, i) => d === expected.shape[i]);
    const diff = sameShape ? maxAbsDiff(mine.values, expected.values) : Infinity;
    rows.push({ name, shape: mine ? mine.shape : [], expectedShape: expected.shape, maxAbsDiff: diff, pass: diff <= tolerance });
  }
  return rows;
}
