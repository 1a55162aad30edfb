/** Small readers shared by the lessons' "what to notice" texts (pure, over the learner's reports). */
import { formatPct } from '../format/format';
import type { EvalReport } from '../worker/api';

/** The tasks with the lowest and highest normalised accuracy of a merge's report. */
export function worstTask(r: EvalReport): { worst: { task: string; norm: number }; best: { task: string; norm: number } } | null {
  const rows = Object.entries(r.tasks).flatMap(([task, row]) => (row.merged?.normalized != null ? [{ task, norm: row.merged.normalized }] : []));
  if (rows.length === 0) return null;
  const sorted = [...rows].sort((a, b) => a.norm - b.norm);
  return { worst: sorted[0], best: sorted[sorted.length - 1] };
}

/**
 * A merge's average against the pretrained model it starts from, in points (one decimal), e.g.
 * "9.5 points above the pretrained model (26.3 %)": merging pays only when this is above.
 */
export function versusPretrained(merged: number, pretrained: number): string {
  const d = Math.round(10 * (merged - pretrained)) / 10;
  const where = d > 0 ? `${d.toFixed(1)} points above` : d < 0 ? `${(-d).toFixed(1)} points below` : 'level with';
  return `${where} the pretrained model (${formatPct(pretrained)} %)`;
}
