/**
 * Runs and comparison: every recorded run of this and earlier sessions (kept in
 * IndexedDB), the sortable, selectable table, CSV/JSON of the selected runs, delete and clear
 * (with confirm), stored values that could not be read, the FusionBench config of a run, and the
 * comparison charts of the selected runs (per task; accuracy vs extra parameters).
 */
import { useMemo, useState } from 'react';
import { CompareBars } from '../charts/CompareBars';
import { CompareScatter } from '../charts/CompareScatter';
import { ErrorBox } from '../components/ErrorBox';
import { saveBlob } from '../export/download';
import { runsCsv, runsJson } from '../export/tables';
import { useLab } from '../store-context';
import { RunsFusionBench } from './RunsFusionBench';
import { RunsTable } from './RunsTable';
import './runs.css';

export function RunsPanel() {
  const runs = useLab((s) => s.runs);
  const del = useLab((s) => s.deleteRun);
  const clear = useLab((s) => s.clearRuns);
  const [fbFor, setFbFor] = useState<string | null>(null);
  const chosen = useMemo(() => runs.records.filter((r) => runs.selected.includes(r.id)), [runs.records, runs.selected]);
  const fbRecord = runs.records.find((r) => r.id === fbFor) ?? null;
  const stamp = () => new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  const download = (kind: 'csv' | 'json') => saveBlob(`mergelab-runs-${stamp()}.${kind}`,
    kind === 'csv' ? new Blob([runsCsv(chosen)], { type: 'text/csv' }) : new Blob([runsJson(chosen)], { type: 'application/json' }));
  const clearAll = () => { if (window.confirm(`Delete all ${runs.records.length + runs.problems.length} recorded runs? This cannot be undone.`)) void clear(); };
  return (
    <section className="panel" aria-labelledby="runs-title" data-testid="runs-panel">
      <h2 id="runs-title">Runs</h2>
      <p className="muted" aria-live="polite" data-testid="runs-status">
        {runs.status === 'loading' && 'Loading the recorded runs…'}
        {runs.status === 'ready' && `${runs.records.length} recorded run${runs.records.length === 1 ? '' : 's'}, kept in this browser across reloads. Select runs to compare and export them.`}
        {runs.status === 'memory' && 'Runs are kept for this page only (no IndexedDB).'}
        {runs.saving.length > 0 && <span data-testid="runs-saving"> Saving {runs.saving.length} run{runs.saving.length === 1 ? '' : 's'}…</span>}
        {runs.deleting.length > 0 && <span data-testid="runs-deleting"> Deleting {runs.deleting.length} run{runs.deleting.length === 1 ? '' : 's'}…</span>}
      </p>
      {runs.error && <ErrorBox error={runs.error} title="The runs database:" />}
      {runs.problems.length > 0 && (
        <div className="error" role="alert" data-testid="runs-problems">
          <strong>{runs.problems.length} stored run{runs.problems.length === 1 ? '' : 's'} could not be read:</strong>
          <ul>{runs.problems.map((p) => (
            <li key={p.key}>{p.error.message} {p.error.hint} <button type="button" className="link" disabled={runs.deleting.includes(p.key)} onClick={() => void del(p.key)}>delete it</button></li>
          ))}</ul>
        </div>
      )}
      {runs.records.length > 0 && (
        <>
          <div className="actions">
            <span className="muted">{chosen.length} selected:</span>
            <button type="button" className="secondary-button" disabled={chosen.length === 0} onClick={() => download('csv')} data-testid="runs-csv">Results CSV</button>
            <button type="button" className="secondary-button" disabled={chosen.length === 0} onClick={() => download('json')} data-testid="runs-json">Results JSON</button>
            <button type="button" className="link" disabled={runs.deleting.length > 0} onClick={clearAll} data-testid="runs-clear">Clear all runs</button>
          </div>
          <RunsTable records={runs.records} onFusionBench={setFbFor} />
          {fbRecord && <RunsFusionBench record={fbRecord} onClose={() => setFbFor(null)} />}
          {chosen.length > 0 && (
            <div data-testid="runs-compare">
              <h3>Selected runs per task</h3>
              <CompareBars runs={chosen} />
              <h3>Average accuracy against extra parameters</h3>
              <CompareScatter runs={chosen} />
            </div>
          )}
        </>
      )}
    </section>
  );
}
