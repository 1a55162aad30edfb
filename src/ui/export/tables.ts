/**
 * Results of the selected runs as CSV and JSON. The CSV has one row per run and task
 * plus one "average" row per run (a run that was not evaluated has one row with empty scores);
 * RFC 4180 quoting (fields with a comma, quote, CR or LF are quoted, quotes doubled) and text
 * that would start a spreadsheet formula neutralised (csvField). Columns:
 *   run_id, label, kind, methods (" + "-joined ids), params (JSON: stage → resolved parameters),
 *   seed, preset, image_limit, suite, backend, task, images, accuracy, normalized, individual,
 *   pretrained (accuracies in %), extra_params, wall_seconds, peak_tfjs_bytes, created_at.
 * The JSON is the records themselves: { format: "mergelab-runs", version, runs: RunRecord[] }.
 */
import { RUN_RECORD_VERSION, type RunRecord } from '../../state/runs/record';

export const CSV_COLUMNS = [
  'run_id', 'label', 'kind', 'methods', 'params', 'seed', 'preset', 'image_limit', 'suite', 'backend',
  'task', 'images', 'accuracy', 'normalized', 'individual', 'pretrained', 'extra_params', 'wall_seconds', 'peak_tfjs_bytes', 'created_at',
] as const;

type Cell = string | number | null;

/** Text a spreadsheet would read as a formula: it starts with = + - @, a tab or a carriage return. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field: empty for null, quoted when it holds a comma, quote or line break. Text that a
 * spreadsheet would run as a formula (a shared suite's task named "=HYPERLINK(…)") is neutralised
 * as OWASP's CSV-injection guidance says: prefixed with a single quote and quoted, so it shows as
 * the same text. Numbers (a negative accuracy delta) are written as they are.
 */
export function csvField(v: Cell): string {
  if (v === null) return '';
  const s = String(v);
  if (typeof v === 'string' && FORMULA_START.test(s)) return `"'${s.replace(/"/g, '""')}"`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function runsCsv(records: readonly RunRecord[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of records) {
    const params = JSON.stringify(Object.fromEntries(r.stages.map((s) => [s.stage, s.params])));
    const head: Cell[] = [r.id, r.label, r.kind, r.stages.map((s) => s.method).join(' + '), params, r.seed, r.preset, r.imageLimit, r.suite, r.backend];
    const tail: Cell[] = [r.extraParams, r.wallSeconds, r.peakBytes, r.createdAt];
    const rows: Cell[][] = r.tasks.map((t) => [t.task, t.images, t.accuracy, t.normalized, t.individual, t.pretrained]);
    if (r.average) rows.push(['average', null, r.average.accuracy, r.average.normalized, r.average.individual, r.average.pretrained]);
    if (rows.length === 0) rows.push([null, null, null, null, null, null]);
    for (const row of rows) lines.push([...head, ...row, ...tail].map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function runsJson(records: readonly RunRecord[]): string {
  return `${JSON.stringify({ format: 'mergelab-runs', version: RUN_RECORD_VERSION, runs: records }, null, 2)}\n`;
}
