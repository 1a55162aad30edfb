/**
 * Results of the merges evaluated on the suite: the per-task table (every run, absolute and
 * normalised accuracy) and a bar chart of one merge (the latest, or the one picked) against the
 * pretrained and individual references. References are computed once and cached in the worker.
 */
import { useMemo, useState } from 'react';
import { publishedView } from '../../state/published';
import { AccuracyBars } from '../charts/AccuracyBars';
import { AccuracyTable, type MergedColumn } from '../components/AccuracyTable';
import { useLab } from '../store-context';

export function ResultsPanel() {
  const runs = useLab((s) => s.merge.runs);
  const trained = useLab((s) => s.train.runs);
  const suiteId = useLab((s) => s.suite.info?.id);
  const suiteTasks = useLab((s) => s.suite.info?.tasks);
  const evaluateRun = useLab((s) => s.evaluateRun);
  const busy = useLab((s) => s.merge.job.status === 'running');
  const [showPublished, setShowPublished] = useState(false);
  const columns: MergedColumn[] = useMemo(() => {
    const cols = runs.flatMap((r) => (r.report.status === 'done' ? [{ key: r.key, label: r.label, report: r.report.result }] : []));
    // A training run sits right after its base merge's run (same method, parameters and images), else at the end.
    for (const t of trained.filter((r) => r.suiteId === suiteId)) {
      const base = t.baseLabel + (t.limit ? ` · sample of ${t.limit} images` : '');
      const at = cols.map((c) => c.label).lastIndexOf(base);
      cols.splice(at < 0 ? cols.length : at + 1, 0, { key: t.key, label: t.label, report: t.result.report });
    }
    return cols;
  }, [runs, trained, suiteId]);
  const [picked, setPicked] = useState<string | null>(null);
  const taskKey = columns.length ? Object.keys(columns[columns.length - 1].report.tasks).join('\u0000') : '';
  const published = useMemo(() => publishedView(taskKey ? taskKey.split('\u0000') : []), [taskKey]);
  if (columns.length === 0) return null;
  const shown = columns.find((c) => c.key === picked) ?? columns[columns.length - 1];
  // The table compares runs scored on the same images as the latest one.
  const latest = columns[columns.length - 1].report;
  // …and on the same tasks (a task subset's average is over its own tasks).
  const inTable = columns.filter((c) => Object.keys(c.report.tasks).length === Object.keys(latest.tasks).length
    && Object.entries(latest.tasks).every(([t, r]) => c.report.tasks[t]?.images === r.images));
  const totals = Object.fromEntries((suiteTasks ?? []).flatMap((t) => (t.images === null ? [] : [[t.name, t.images] as const])));
  const sampled = Object.entries(latest.tasks).some(([t, r]) => totals[t] !== undefined && r.images < totals[t]);
  const latestRun = runs.find((r) => r.key === columns[columns.length - 1].key && r.limit !== null);
  return (
    <section className="panel" aria-labelledby="results-title" data-testid="results-panel">
      <h2 id="results-title">Accuracy per task</h2>
      <p className="muted">
        Top-1 accuracy in % on each task's test split (the <em>images</em> column says how many were scored); <em>norm.</em> = accuracy ÷ the
        expert's own accuracy on that task × 100. Pretrained and individual scores are computed once per image count and cached.
      </p>
      <div className="table-scroll"><AccuracyTable refs={latest} merged={inTable} totals={totals} published={showPublished ? published : undefined} /></div>
      <div className="actions">
        {published.known > 0 && (
          <label>
            <input type="checkbox" data-testid="show-published" checked={showPublished} onChange={(e) => setShowPublished(e.currentTarget.checked)} />{' '}
            show published figures (CLIP ViT-B/32) beside the runs
          </label>
        )}
        {sampled && latestRun && (
          <button className="secondary-button" data-testid="evaluate-full" disabled={busy} onClick={() => void evaluateRun(latestRun.key, true)}>
            Evaluate {latestRun.label} on the full test splits
          </button>
        )}
      </div>
      {inTable.length < columns.length && (
        <p className="muted">{columns.length - inTable.length} earlier run(s) scored on other image counts or tasks are left out of the table (pick them in the chart).</p>
      )}
      <div className="chart-head">
        <h3>Merge against the references</h3>
        {columns.length > 1 && (
          <select value={shown.key} onChange={(e) => setPicked(e.currentTarget.value)} aria-label="Merge shown in the chart">
            {columns.map((c) => <option key={c.key} value={c.key}>{c.label}</option>)}
          </select>
        )}
      </div>
      <AccuracyBars report={shown.report} label={shown.label} />
    </section>
  );
}
