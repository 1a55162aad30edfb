/** The result of "Check against golden": per output, the max absolute difference and pass/fail. */
import type { GoldenReport } from '../../worker/api';
import { backendLabel, formatDiff, formatMs, formatShape } from '../../format/format';

export function GoldenResult({ r }: { r: GoldenReport }) {
  const failed = r.rows.filter((row) => !row.pass).length;
  return (
    <div className="result" data-testid="golden-result">
      <p className={r.pass ? 'ok' : 'bad'} data-testid="golden-verdict">
        {r.pass
          ? `All ${r.rows.length} outputs match the golden within ${r.tolerance.toExponential(0)}`
          : `${failed} of ${r.rows.length} outputs differ from the golden by more than ${r.tolerance.toExponential(0)}`}
        {` (${r.images} images on ${backendLabel(r.backend)}, forward ${formatMs(r.forwardMs)})`}
      </p>
      <table className="compact">
        <thead><tr><th>output</th><th>shape</th><th>max |Δ|</th><th>within {r.tolerance.toExponential(0)}</th></tr></thead>
        <tbody>
          {r.rows.map((row) => (
            <tr key={row.name} data-testid="golden-row" data-output={row.name}>
              <td><code>{row.name}</code></td>
              <td>{row.shape.length ? formatShape(row.shape) : 'missing'}{row.shape.length > 0 && formatShape(row.shape) !== formatShape(row.expectedShape) ? ` (golden ${formatShape(row.expectedShape)})` : ''}</td>
              <td className="num" data-testid="golden-diff">{formatDiff(row.maxAbsDiff)}</td>
              <td className={row.pass ? 'ok' : 'bad'}>{row.pass ? 'pass' : 'FAIL'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
