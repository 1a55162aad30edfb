/**
 * What an evaluation will score before it starts: per task the images scored of the test split
 * (all, or a sample of N), the total, and an ETA from the pace measured on the last evaluation in
 * this lab (images scored per second of its wall time; the first evaluation also computes the
 * pretrained and individual references, so its pace is slower than later ones: the ETA errs long).
 */

export interface EvalPace {
  images: number;
  seconds: number;
}

export interface EvalPlanRow {
  task: string;
  /** Images the evaluation scores. */
  scored: number;
  /** Images in the test split. */
  total: number;
}

export interface EvalPlan {
  rows: EvalPlanRow[];
  images: number;
  /** Some task scores fewer images than its split holds. */
  sampled: boolean;
  /** Images per second measured, null before the first evaluation. */
  rate: number | null;
  etaSeconds: number | null;
}

/** `tasks`: the tasks evaluated with their test-split sizes (null: data not usable, left out). */
export function evalPlan(tasks: readonly { name: string; images: number | null }[], limit: number | null, pace: EvalPace | null): EvalPlan {
  const rows = tasks.flatMap((t) => (t.images === null ? [] : [{ task: t.name, scored: limit === null ? t.images : Math.min(limit, t.images), total: t.images }]));
  const images = rows.reduce((n, r) => n + r.scored, 0);
  const rate = pace && pace.seconds > 0 && pace.images > 0 ? pace.images / pace.seconds : null;
  return { rows, images, sampled: rows.some((r) => r.scored < r.total), rate, etaSeconds: rate ? images / rate : null };
}
