/**
 * The notice after the engine died (state/slices/recovery.ts): what happened in plain words, that
 * the page restarts it, then what came back, what is kept and what was lost; or, when it was not
 * restarted, why, with a button to try again.
 */
import { backendLabel } from '../../format/format';
import { useLab } from '../store-context';

export function EngineCrashNotice() {
  const crash = useLab((s) => s.backend.crash);
  const choice = useLab((s) => s.backend.choice);
  const models = useLab((s) => s.checkpoints.length);
  const suite = useLab((s) => s.suite.info?.name ?? null);
  const restart = useLab((s) => s.restartEngine);
  const dismiss = useLab((s) => s.dismissCrash);
  if (!crash) return null;
  const reopened = [models > 0 && `your ${models} model${models === 1 ? '' : 's'}`, suite && `the suite “${suite}”`].filter(Boolean).join(' and ');
  return (
    <div className={crash.state === 'failed' ? 'error engine-crash' : 'notice engine-crash'} role="alert" data-testid="engine-crash" data-state={crash.state}>
      <strong>{crash.error.message}</strong>{' '}
      {crash.state === 'restarting' && <span>Restarting it…</span>}
      {crash.state === 'recovered' && (
        <span data-testid="engine-crash-recovered">
          It was restarted{choice ? ` (${backendLabel(choice.backend)})` : ''}{reopened ? ` and ${reopened} opened again` : ''}.
          {' '}Your recorded runs and your settings are kept.
        </span>
      )}
      {crash.state === 'failed' && <span>{crash.failure}</span>}
      {crash.lost.length > 0 && <div data-testid="engine-crash-lost">Lost: {crash.lost.join('; ')}. Start it again when you are ready.</div>}
      {crash.dropped > 0 && (
        <div>{crash.dropped} result{crash.dropped === 1 ? '' : 's'} of this session left the accuracy table (merges and training runs: their weights were in the engine); {crash.dropped === 1 ? 'it is' : 'they are'} still listed under Runs.</div>
      )}
      <div className="actions">
        {crash.state === 'failed' && <button type="button" onClick={() => void restart()} data-testid="engine-restart">Restart the engine</button>}
        {crash.state !== 'restarting' && <button type="button" className="link" onClick={dismiss}>Dismiss</button>}
      </div>
    </div>
  );
}
