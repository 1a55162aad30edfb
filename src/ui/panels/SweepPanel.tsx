/**
 * The λ slider of Task Arithmetic: while you drag, the merge is re-scored on a class-stratified sample of 64 test
 * images of each task (debounced; a stale run is cancelled), so the figures are capped and say so.
 * The full evaluation of the chosen λ is one click away (it runs in the Merge panel).
 */
import { SweepCurve } from '../charts/SweepCurve';
import { AccuracyTable } from '../components/AccuracyTable';
import { ProgressLine } from '../components/ProgressLine';
import { formatPct } from '../../format/format';
import { useLab } from '../store-context';

export function SweepPanel() {
  const ready = useLab((s) => s.suite.status === 'ready');
  const sweep = useLab((s) => s.sweep);
  const setLambda = useLab((s) => s.setSweepLambda);
  const setMethod = useLab((s) => s.setMethod);
  const setParam = useLab((s) => s.setParam);
  const runMerge = useLab((s) => s.runMerge);
  const busy = useLab((s) => s.merge.job.status === 'running');
  if (!ready) return null;
  const r = sweep.report;
  const fullRun = () => {
    setMethod('task_arithmetic');
    setParam('lambda', sweep.lambda);
    void runMerge();
  };
  return (
    <section className="panel" aria-labelledby="sweep-title" data-testid="sweep-panel">
      <h2 id="sweep-title">Task Arithmetic: drag λ</h2>
      <p className="muted">θ = θ0 + λ Σt τt. Moving the slider re-merges and re-scores on a capped number of images per task, so it answers while you drag.</p>
      <div className="sweep-row">
        <label htmlFor="sweep-lambda">λ = <strong data-testid="sweep-lambda">{sweep.lambda.toFixed(2)}</strong></label>
        <input id="sweep-lambda" data-testid="sweep-slider" type="range" min={0} max={1.5} step={0.05} value={sweep.lambda}
          onChange={(e) => void setLambda(Number(e.currentTarget.value))} />
        <button className="secondary-button" disabled={busy} onClick={fullRun}>Full evaluation at λ = {sweep.lambda.toFixed(2)}</button>
      </div>
      <p data-testid="sweep-status" data-status={sweep.status} className="muted">
        {sweep.status === 'idle' && 'Move the slider to score a λ.'}
        {sweep.status === 'waiting' && 'Scoring…'}
        {sweep.status === 'done' && r && (
          <>
            <span className="capped" data-testid="sweep-capped">Capped: a sample of {sweep.limit} test images per task</span> · λ = {sweep.scoredLambda?.toFixed(2)}:
            average <strong data-testid="sweep-average">{formatPct(r.average.merged?.accuracy)}</strong> (individual {formatPct(r.average.individual.accuracy)}, pretrained {formatPct(r.average.pretrained.accuracy)})
          </>
        )}
        {sweep.status === 'error' && sweep.error && <span className="bad">{sweep.error.message}</span>}
      </p>
      {sweep.status === 'running' && <ProgressLine progress={sweep.progress} label={`Scoring λ = ${sweep.lambda.toFixed(2)}`} />}
      {r && sweep.history.length > 1 && (
        <SweepCurve points={sweep.history} individual={r.average.individual.accuracy} pretrained={r.average.pretrained.accuracy} />
      )}
      {r && sweep.scoredLambda !== null && (
        <div className="table-scroll">
          <AccuracyTable refs={r} merged={[{ key: 'sweep', label: `TA λ ${sweep.scoredLambda.toFixed(2)} (capped)`, report: r }]} />
        </div>
      )}
    </section>
  );
}
