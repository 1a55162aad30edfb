/**
 * The merges run so far: method and parameters, what the engine noted (identical experts, …),
 * size and time, its Hugging Face folder to download (the two files, or one zip with a model
 * card), for a consensus merge each task's TALL-mask retrieved model, and remove.
 */
import { useState } from 'react';
import type { MergeRun } from '../../state/slices/suite-merge-slices';
import { ErrorBox } from '../components/ErrorBox';
import { ProgressLine } from '../components/ProgressLine';
import { saveBlob as save } from '../export/download';
import { hfFolderZip, modelCard } from '../export/hf-zip';
import { formatBytes, formatMs } from '../../format/format';
import { useLab } from '../store-context';

/** Consensus: a task's retrieved model θ0 + mt ⊙ τ_MTL (its TALL mask over the merged vector, no α), streamed again by the engine. */
function Retrieved({ run }: { run: MergeRun }) {
  const retrievedFiles = useLab((s) => s.retrievedFiles);
  const tasks = run.merged.tasks;
  const [task, setTask] = useState(tasks[0]);
  const [state, setState] = useState<{ busy: boolean; done: number; total: number; error: string | null }>({ busy: false, done: 0, total: 0, error: null });
  const download = async () => {
    setState({ busy: true, done: 0, total: 0, error: null });
    try {
      const files = await retrievedFiles(run.key, task, (done, total) => setState({ busy: true, done, total, error: null }));
      save(`${run.merged.name}-retrieved-${task}.safetensors`, files.model);
      setState({ busy: false, done: 0, total: 0, error: null });
    } catch (e) {
      setState({ busy: false, done: 0, total: 0, error: `The retrieved model failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  };
  return (
    <div className="actions" data-testid="retrieved">
      <label>
        <span className="muted">Retrieved model of task (θ0 + TALL mask ⊙ τ_MTL; config.json as the merge's):</span>{' '}
        <select value={task} onChange={(e) => setTask(e.target.value)} data-testid="retrieved-task">
          {tasks.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
      </label>
      <button className="secondary-button" data-testid="download-retrieved" disabled={state.busy} onClick={() => void download()}>model.safetensors</button>
      {state.busy && <ProgressLine label={`Retrieving ${task}`} progress={{ stage: 'merge pass', done: state.done, total: state.total, unit: 'bytes' }} />}
      {state.error && <span className="error-text" role="alert">{state.error}</span>}
    </div>
  );
}

function Run({ run }: { run: MergeRun }) {
  const mergeFiles = useLab((s) => s.mergeFiles);
  const remove = useLab((s) => s.removeRun);
  const evaluate = useLab((s) => s.evaluateRun);
  const busy = useLab((s) => s.merge.job.status === 'running');
  const [zip, setZip] = useState<{ busy: boolean; done: number; total: number; error: string | null }>({ busy: false, done: 0, total: 0, error: null });
  const download = async (which: 'config' | 'model') => {
    const files = await mergeFiles(run.key);
    if (which === 'config') save('config.json', new Blob([files.configJson], { type: 'application/json' }));
    else save('model.safetensors', files.model);
  };
  const downloadZip = async () => {
    setZip({ busy: true, done: 0, total: 0, error: null });
    try {
      const files = await mergeFiles(run.key);
      const blob = await hfFolderZip(run.merged.name, files, modelCard(run.merged, run.label), (done, total) => setZip({ busy: true, done, total, error: null }));
      save(`${run.merged.name}.zip`, blob);
      setZip({ busy: false, done: 0, total: 0, error: null });
    } catch (e) {
      setZip({ busy: false, done: 0, total: 0, error: `The zip failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  };
  const m = run.merged;
  return (
    <li className="run" data-testid="merge-run" data-run={run.key} data-method={m.method}>
      <div>
        <strong>{run.label}</strong>{' '}
        <span className="muted">{formatBytes(m.bytesWritten)} written, {m.passes} pass{m.passes > 1 ? 'es' : ''} over {formatBytes(m.bytesRead)} in {formatMs(m.ms)}</span>
      </div>
      {m.notes.length > 0 && <ul className="notes" data-testid="merge-notes">{m.notes.map((n, i) => <li key={i}>{n}</li>)}</ul>}
      {run.report.status === 'error' && <ErrorBox error={run.report.error} title="Evaluation failed:" />}
      {m.suiteId && run.report.status === 'idle' && (
        <p className="muted">Not evaluated (cancelled). <button className="link" disabled={busy} onClick={() => void evaluate(run.key)}>Evaluate now</button></p>
      )}
      {zip.busy && <ProgressLine label="Zipping the HF folder" progress={{ stage: 'model.safetensors', done: zip.done, total: zip.total, unit: 'bytes' }} />}
      <div className="actions">
        <span className="muted">Download the HF folder:</span>
        <button className="secondary-button" data-testid="download-config" onClick={() => void download('config')}>config.json</button>
        <button className="secondary-button" data-testid="download-model" onClick={() => void download('model')}>model.safetensors</button>
        <button className="secondary-button" data-testid="download-zip" onClick={() => void downloadZip()} disabled={zip.busy}>HF folder (.zip)</button>
        {zip.error && <span className="error-text" role="alert" data-testid="zip-status">{zip.error}</span>}
        <button className="link" onClick={() => void remove(run.key)}>remove</button>
      </div>
      {m.method === 'consensus' && <Retrieved run={run} />}
    </li>
  );
}

export function RunList() {
  const runs = useLab((s) => s.merge.runs);
  if (runs.length === 0) return null;
  return <ul className="runs" data-testid="merge-runs">{runs.map((r) => <Run key={r.key} run={r} />)}</ul>;
}
