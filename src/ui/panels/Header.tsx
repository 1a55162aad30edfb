/**
 * The header: the lab's name, which backend runs (adapter, threads; why a faster one was not
 * used), the engine's tfjs memory (polled every 2 s while the page is visible), the backend
 * setting (persisted; `?backend=` in the URL overrides it until the setting is changed) and the
 * theme (system / light / dark).
 */
import { BACKEND_SETTINGS, type BackendSetting } from '../../state/settings';
import { ErrorBox } from '../components/ErrorBox';
import { backendLabel, formatBytes, formatCount } from '../../format/format';
import { useLab } from '../store-context';
import { ThemeSelect } from '../theme/ThemeSelect';
import { useVisibleInterval } from '../theme/visible-interval';

const MEMORY_POLL_MS = 2000;

/** tfjs memory in the worker: tensors and bytes, and GPU bytes where the backend reports them. */
function MemoryStatus() {
  const ready = useLab((s) => s.backend.status === 'ready');
  const memory = useLab((s) => s.memory);
  const poll = useLab((s) => s.pollMemory);
  useVisibleInterval(() => void poll(), MEMORY_POLL_MS, ready);
  if (!ready || !memory) return null;
  const gpu = memory.gpuBytes !== null ? `, GPU ${formatBytes(memory.gpuBytes)}` : '';
  return (
    <span className="memory" data-testid="engine-memory" data-tensors={memory.numTensors} data-bytes={memory.numBytes}
      title="tfjs memory in the engine worker, updated every 2 s while this tab is visible">
      <span className="muted">Engine memory</span>
      {formatCount(memory.numTensors)} tensors, {formatBytes(memory.numBytes)}{gpu}{memory.unreliable ? ' (approximate)' : ''}
    </span>
  );
}

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
        <MemoryStatus />
        <BackendSettingSelect />
        <ThemeSelect />
      </div>
    </header>
  );
}
