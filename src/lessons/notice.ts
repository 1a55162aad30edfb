/** Small readers shared by the lessons' "what to notice" texts (pure, over the learner's reports). */
import type { EvalReport } from '../worker/api';

/** The tasks with the lowest and highest normalised accuracy of a merge's report. */
export function worstTask(r: EvalReport): { worst: { task: string; norm: number }; best: { task: string; norm: number } } | null {
  const rows = Object.entries(r.tasks).flatMap(([task, row]) => (row.merged?.normalized != null ? [{ task, norm: row.merged.normalized }] : []));
  if (rows.length === 0) return null;
  const sorted = [...rows].sort((a, b) => a.norm - b.norm);
  return { worst: sorted[0], best: sorted[sorted.length - 1] };
}
