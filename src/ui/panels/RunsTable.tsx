/**
 * The table of recorded runs: every column sortable with a header button (aria-sort on the
 * header cell), a checkbox per run and a select-all checkbox (indeterminate when some are
 * selected), and per-run actions (FusionBench config, delete).
 */
import { useEffect, useRef } from 'react';
import type { RunRecord } from '../../state/runs/record';
import { RUN_COLUMNS, sortRuns } from '../../state/runs/table';
import { useLab } from '../store-context';

function cell(v: string | number | null, numeric: boolean, id: string): string {
  if (v === null) return '–';
  if (id === 'createdAt') return new Date(String(v)).toLocaleString('en-GB', { day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit' });
  if (!numeric || typeof v !== 'number') return String(v);
  if (id === 'extraParams') return v.toLocaleString('en');
  return Number.isInteger(v) ? String(v) : v.toFixed(id === 'wallSeconds' ? 2 : 1);
}

export function RunsTable({ records, onFusionBench }: { records: RunRecord[]; onFusionBench(id: string): void }) {
  const sort = useLab((s) => s.runs.sort);
  const selected = useLab((s) => s.runs.selected);
  const sortBy = useLab((s) => s.sortRunsBy);
  const toggle = useLab((s) => s.toggleRunSelected);
  const selectAll = useLab((s) => s.selectAllRuns);
  const remove = useLab((s) => s.deleteRun);
  const deleting = useLab((s) => s.runs.deleting);
  const all = useRef<HTMLInputElement>(null);
  const some = selected.length > 0 && selected.length < records.length;
  useEffect(() => { if (all.current) all.current.indeterminate = some; }, [some]);
  const rows = sortRuns(records, sort.column, sort.dir);
  return (
    <div className="table-scroll">
      <table className="runs-table" data-testid="runs-table">
        <thead>
          <tr>
            <th scope="col">
              <input ref={all} type="checkbox" aria-label="Select all runs" checked={records.length > 0 && selected.length === records.length} onChange={(e) => selectAll(e.currentTarget.checked)} />
            </th>
            {RUN_COLUMNS.map((c) => (
              <th key={c.id} scope="col" aria-sort={sort.column === c.id ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'} className={c.numeric ? 'num' : undefined}>
                <button type="button" className="sort" onClick={() => sortBy(c.id)} data-testid={`sort-${c.id}`}>
                  {c.label}<span aria-hidden="true">{sort.column === c.id ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                </button>
              </th>
            ))}
            <th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="runs-row" data-run={r.id} data-kind={r.kind} aria-busy={deleting.includes(r.id) || undefined}>
              <td><input type="checkbox" aria-label={`Select ${r.label}`} checked={selected.includes(r.id)} onChange={() => toggle(r.id)} /></td>
              {RUN_COLUMNS.map((c) => <td key={c.id} className={c.numeric ? 'num' : undefined}>{cell(c.value(r), c.numeric, c.id)}</td>)}
              <td className="actions-cell">
                <button type="button" className="link" onClick={() => onFusionBench(r.id)} aria-label={`FusionBench config of ${r.label}`}>FusionBench</button>
                <button type="button" className="link" disabled={deleting.includes(r.id)} onClick={() => void remove(r.id)} aria-label={`Delete ${r.label}`}>{deleting.includes(r.id) ? 'deleting…' : 'delete'}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
