/** The model pool: which model is pretrained, and every mismatch of the experts against it. */
import { pretrainedKey } from '../../state/checkpoint-selectors';
import { ErrorBox } from '../components/ErrorBox';
import { useLab } from '../store-context';

export function PoolPanel() {
  const check = useLab((s) => s.pool.check);
  const preKey = useLab(pretrainedKey);
  const checkpoints = useLab((s) => s.checkpoints);
  const ready = checkpoints.filter((c) => c.status === 'ready');
  if (ready.length < 2) return null;
  const pre = ready.find((c) => c.key === preKey);
  return (
    <section className="panel" aria-labelledby="pool-title" data-testid="pool">
      <h2 id="pool-title">Pool</h2>
      <p>
        Pretrained: <strong>{pre?.name}</strong>; experts: {ready.filter((c) => c !== pre).map((c) => c.name).join(', ')}.
      </p>
      {check?.status === 'running' && <p className="muted">Checking the pool…</p>}
      {check?.status === 'error' && <ErrorBox error={check.error} />}
      {check?.status === 'done' && (check.result.ok
        ? <p className="ok" data-testid="pool-verdict">All experts share the pretrained model's architecture, tensors and shapes.</p>
        : (
          <div className="error" data-testid="pool-verdict">
            <strong>Pool mismatch: {check.result.problems.length} problem{check.result.problems.length === 1 ? '' : 's'}</strong>
            <ul data-testid="pool-problems">{check.result.problems.map((p, i) => <li key={i}>{p}</li>)}</ul>
            <div className="error-hint">All models in a pool must be fine-tuned from the same pretrained checkpoint.</div>
          </div>
        ))}
    </section>
  );
}
