/**
 * Results of the merges evaluated on the suite: the per-task table (every run, absolute and
 * normalised accuracy) and a bar chart of one merge (the latest, or the one picked) against the
 * pretrained and individual references. References are computed once and cached in the worker.
 */
import { useMemo, useState } from 'react';
import { AccuracyBars } from '../charts/AccuracyBars';
import { AccuracyTable, type MergedColumn } from '../components/AccuracyTable';
import { useLab } from '../store-context';

export function ResultsPanel() {
  const runs = useLab((s) => s.merge.runs);
  const columns: MergedColumn[] = useMemo(() => runs.flatMap((r) => (r.report.status === 'done' ? [{ key: r.key, label: r.label, report: r.report.result }] : [])), [runs]);
  const [picked, setPicked] = useState<string | null>(null);
  if (columns.length === 0) return null;
  const shown = columns.find((c) => c.key === picked) ?? columns[columns.length - 1];
  return (
    <section className="panel" aria-labelledby="results-title" data-testid="results-panel">
      <h2 id="results-title">Accuracy per task</h2>
      <p className="muted">Top-1 accuracy in % on each task's test split; <em>norm.</em> = accuracy ÷ the expert's own accuracy on that task × 100.</p>
      <div className="table-scroll"><AccuracyTable refs={columns[columns.length - 1].report} merged={columns} /></div>
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
