/** The result of "Run forward": time, backend, and the shape of every output. */
import type { ForwardView } from '../../state/slices/lab-state';
import { backendLabel, formatMs, formatShape } from '../../format/format';

export function ForwardResult({ r }: { r: ForwardView }) {
  return (
    <div className="result" data-testid="forward-result">
      <p>
        Ran <strong>{r.images}</strong> synthetic images (seed {r.seed}) on <strong>{backendLabel(r.backend)}</strong> in{' '}
        <strong data-testid="forward-ms">{formatMs(r.forwardMs)}</strong> (parameters loaded in {formatMs(r.loadMs)}).
      </p>
      <p className="muted">
        First embedding ({r.embedDim}-d) starts {r.embedPreview.map((v) => v.toFixed(4)).join(', ')}…
      </p>
      <table className="compact">
        <thead><tr><th>output</th><th>shape</th></tr></thead>
        <tbody>
          {r.outputs.map((o) => (
            <tr key={o.name}><td><code>{o.name}</code></td><td>{formatShape(o.shape)}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
