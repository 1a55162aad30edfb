/**
 * The header: the lab's name, which backend runs (and why a faster one was not used), and the
 * backend setting (persisted; `?backend=` in the URL overrides it until the setting is changed).
 */
import { BACKEND_SETTINGS, type BackendSetting } from '../../state/settings';
import { ErrorBox } from '../components/ErrorBox';
import { backendLabel } from '../format';
import { useLab } from '../store-context';

function BackendStatus() {
  const backend = useLab((s) => s.backend);
  const { choice } = backend;
  if (backend.status === 'error' && backend.error) return <ErrorBox error={backend.error} title="Engine:" />;
  if (!choice) return <span className="badge muted" data-testid="backend">starting engine…</span>;
  const detail = [
    choice.backend === 'webgpu' && choice.adapter ? `${choice.softwareAdapter ? 'software adapter' : 'adapter'}: ${choice.adapter}` : '',
    choice.backend === 'wasm' ? `${choice.wasmThreads ?? 1} thread${choice.wasmThreads === 1 ? '' : 's'}` : '',
  ].filter(Boolean).join(', ');
  return (
    <details className="backend">
      <summary>
        <span className="badge" data-testid="backend" data-backend={choice.backend}>
          {backendLabel(choice.backend)}{detail && ` (${detail})`}
        </span>
      </summary>
      <ul data-testid="backend-reasons">
        {choice.reasons.map((r) => <li key={r}>{r}</li>)}
      </ul>
    </details>
  );
}

function BackendSettingSelect() {
  const setting = useLab((s) => s.backend.setting);
  const urlForce = useLab((s) => s.backend.urlForce);
  const change = useLab((s) => s.setBackendSetting);
  return (
    <label className="setting">
      Backend{' '}
      <select
        data-testid="backend-setting"
        value={urlForce ?? setting}
        onChange={(e) => void change(e.currentTarget.value as BackendSetting)}
      >
        {BACKEND_SETTINGS.map((b) => <option key={b} value={b}>{b === 'auto' ? 'automatic' : backendLabel(b)}</option>)}
      </select>
      {urlForce && <span className="muted"> (from the URL)</span>}
    </label>
  );
}

export function Header() {
  return (
    <header className="header">
      <h1>mergelab</h1>
      <span className="tagline">multi-task model merging of CLIP vision models, in your browser</span>
      <div className="header-right">
        <BackendStatus />
        <BackendSettingSelect />
      </div>
    </header>
  );
}
