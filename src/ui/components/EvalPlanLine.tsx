/**
 * Before an evaluation starts: the test images each task will score (N of M when it scores a
 * sample) and an ETA from the pace of the last evaluation in this lab.
 */
import { evalPlan } from '../../state/eval-plan';
import { useLab } from '../store-context';

const seconds = (s: number) => (s < 90 ? `${Math.max(1, Math.round(s))} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

export function EvalPlanLine() {
  const info = useLab((s) => s.suite.info);
  const subset = useLab((s) => s.subset.tasks);
  const limit = useLab((s) => s.merge.evalLimit);
  const pace = useLab((s) => s.merge.evalPace);
  if (!info) return null;
  const tasks = info.tasks.filter((t) => !subset || subset.includes(t.name));
  const plan = evalPlan(tasks, limit, pace);
  return (
    <div className="eval-plan muted" data-testid="eval-plan" data-images={plan.images} data-sampled={plan.sampled}>
      Scores {plan.images.toLocaleString('en-US')} test images per model:{' '}
      {plan.rows.map((r, i) => (
        <span key={r.task} data-testid="eval-plan-task" data-task={r.task}>
          {i > 0 && ', '}{r.task} {r.scored < r.total ? `${r.scored.toLocaleString('en-US')} of ${r.total.toLocaleString('en-US')} (sampled)` : `all ${r.total.toLocaleString('en-US')}`}
        </span>
      ))}
      .{' '}
      <span data-testid="eval-eta">
        {plan.etaSeconds === null
          ? 'ETA after the first evaluation measures the pace.'
          : `About ${seconds(plan.etaSeconds)} at ${plan.rate!.toFixed(1)} images/s (the last evaluation's pace; the first also scores the references, so it takes longer).`}
      </span>
    </div>
  );
}
