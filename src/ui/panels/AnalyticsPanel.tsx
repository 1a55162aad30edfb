/**
 * Task-vector analytics of the current pool (the suite's, else the Models panel's), in one
 * streaming pass in the worker: cosine similarities (heatmap), norms and the per-layer rate of
 * entries whose task vectors disagree in sign (bars).
 */
import { labPool } from '../../state/pool-selectors';
import { SimpleBars } from '../charts/SimpleBars';
import { CosineHeatmap } from '../charts/CosineHeatmap';
import { ErrorBox } from '../components/ErrorBox';
import { ProgressLine } from '../components/ProgressLine';
import { useLab } from '../store-context';

export function AnalyticsPanel() {
  const has = useLab((s) => labPool(s) !== null);
  const { task } = useLab((s) => s.analytics);
  const run = useLab((s) => s.runAnalytics);
  const cancel = useLab((s) => s.cancelAnalytics);
  if (!has) return null;
  const r = task.status === 'done' ? task.result : null;
  return (
    <section className="panel" aria-labelledby="tv-title" data-testid="analytics-panel">
      <h2 id="tv-title">Task vectors</h2>
      <p className="muted">τt = θt − θ0 for every expert: how alike they are, how large, and where their signs conflict (what TIES resolves).</p>
      <div className="actions">
        <button data-testid="run-analytics" disabled={task.status === 'running'} onClick={() => void run()}>{r ? 'Analyse again' : 'Analyse task vectors'}</button>
        {task.status === 'running' && <button className="secondary-button" onClick={() => void cancel()}>Cancel</button>}
      </div>
      {task.status === 'running' && <ProgressLine progress={task.progress} label="Reading the task vectors" />}
      {task.status === 'error' && <ErrorBox error={task.error} title="Analysis failed:" />}
      {r && (
        <div className="analytics" data-testid="analytics-result">
          <div className="heatmap-box">
            <h3>Cosine similarity</h3>
            <CosineHeatmap tasks={r.tasks} cosine={r.cosine} />
          </div>
          <div>
            <h3>Norms ‖τt‖₂</h3>
            <SimpleBars testId="norm-bars" label="Task-vector norms" data={r.tasks.map((t, i) => ({ name: t, value: r.norms[i] }))} />
          </div>
          <div className="wide">
            <h3>Sign conflicts per layer <span className="muted">(overall {(100 * r.overall.rate).toFixed(1)} % of entries)</span></h3>
            <SimpleBars testId="conflict-bars" label="Share of entries whose task vectors disagree in sign" unit="%" digits={1} max={100} colour="var(--series-warn)"
              data={r.signConflicts.map((g) => ({ name: g.group, value: 100 * g.rate }))} />
          </div>
          {r.notes.length > 0 && <ul className="notes muted wide">{r.notes.map((n, i) => <li key={i}>{n}</li>)}</ul>}
        </div>
      )}
    </section>
  );
}
