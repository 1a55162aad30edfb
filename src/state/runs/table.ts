/**
 * The runs table's columns and sort (pure): each column reads one value of a record; sorting is
 * stable, and runs without a value (not evaluated) sort last in either direction.
 */
import type { RunRecord } from './record';

export type SortDir = 'asc' | 'desc';

export interface RunColumn {
  id: string;
  label: string;
  value(r: RunRecord): string | number | null;
  /** Right-aligned, numeric formatting in the table. */
  numeric: boolean;
}

const methodsOf = (r: RunRecord) => r.stages.map((s) => s.method).join(' + ');

export const RUN_COLUMNS: readonly RunColumn[] = [
  { id: 'label', label: 'Run', value: (r) => r.label, numeric: false },
  { id: 'kind', label: 'Kind', value: (r) => r.kind, numeric: false },
  { id: 'methods', label: 'Method(s)', value: methodsOf, numeric: false },
  { id: 'suite', label: 'Suite', value: (r) => r.suite, numeric: false },
  { id: 'images', label: 'Images / task', value: (r) => r.imageLimit ?? (r.tasks.length ? Math.max(...r.tasks.map((t) => t.images)) : null), numeric: true },
  { id: 'accuracy', label: 'Avg. acc. %', value: (r) => r.average?.accuracy ?? null, numeric: true },
  { id: 'normalized', label: 'Avg. norm. %', value: (r) => r.average?.normalized ?? null, numeric: true },
  { id: 'extraParams', label: 'Extra params', value: (r) => r.extraParams, numeric: true },
  { id: 'wallSeconds', label: 'Time s', value: (r) => r.wallSeconds, numeric: true },
  { id: 'peakBytes', label: 'Peak tfjs MB', value: (r) => r.peakBytes / 1e6, numeric: true },
  { id: 'backend', label: 'Backend', value: (r) => r.backend, numeric: false },
  { id: 'createdAt', label: 'Created', value: (r) => r.createdAt, numeric: false },
];

function columnById(id: string): RunColumn {
  return RUN_COLUMNS.find((c) => c.id === id) ?? RUN_COLUMNS[RUN_COLUMNS.length - 1];
}

/** The records sorted by a column (stable; missing values last). */
export function sortRuns(records: readonly RunRecord[], columnId: string, dir: SortDir): RunRecord[] {
  const col = columnById(columnId);
  const sign = dir === 'asc' ? 1 : -1;
  return records
    .map((r, i) => ({ r, i, v: col.value(r) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1;
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v));
      return c !== 0 ? sign * c : a.i - b.i;
    })
    .map((x) => x.r);
}
