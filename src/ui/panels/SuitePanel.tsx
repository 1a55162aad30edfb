/**
 * The task suite: pick a suite folder (manifest.json, models/, heads.safetensors, data/) or load
 * the demo zoo in one click; then its tasks with class names and example images, the pool check
 * of its models, and every problem with the file named and what to do. A drop without
 * manifest.json (real checkpoints and Hub data) is assembled into a suite first (AssemblyView).
 */
import { useState, type DragEvent } from 'react';
import { filesFromDrop, filesFromInput } from '../drop';
import { ErrorBox } from '../components/ErrorBox';
import { ProgressLine } from '../components/ProgressLine';
import { useLab } from '../store-context';
import { AssemblyView } from './AssemblyView';
import './assembly.css';
import { TaskCard } from './TaskCard';
import { TaskSubset } from './TaskSubset';

function SuiteView() {
  const info = useLab((s) => s.suite.info);
  if (!info) return null;
  const total = info.tasks.reduce((n, t) => n + (t.images ?? 0), 0);
  const broken = info.tasks.filter((t) => t.problem).length;
  return (
    <div data-testid="suite-view" data-suite={info.name}>
      <p>
        <strong data-testid="suite-name">{info.name}</strong> <span className="muted">from <code>{info.root}</code></span>:{' '}
        {info.tasks.length} tasks, {total.toLocaleString('en-US')} test images, {info.imageSize}×{info.imageSize} px, logit scale {info.logitScale}.
      </p>
      <p className="ok" data-testid="suite-pool">
        Pool check passed: the {info.experts.length} experts share the architecture, tensors and shapes of <code>{info.pretrained.name}</code>{' '}
        ({info.pretrained.summary.paramCount.toLocaleString('en-US')} parameters).
      </p>
      {broken > 0 && (
        <p className="bad" data-testid="suite-problems">{broken} task{broken > 1 ? 's have' : ' has'} data that cannot be used (below): merges work, evaluation waits until it is fixed.</p>
      )}
      {info.notes.length > 0 && <ul className="notes muted">{info.notes.map((n, i) => <li key={i}>{n}</li>)}</ul>}
      <TaskSubset tasks={info.tasks.map((t) => t.name)} />
      <div className="task-grid">{info.tasks.map((t) => <TaskCard key={t.name} t={t} />)}</div>
    </div>
  );
}

export function SuitePanel() {
  const suite = useLab((s) => s.suite);
  const openDrop = useLab((s) => s.openSuiteDrop);
  const cancelOpen = useLab((s) => s.cancelSuiteOpen);
  const loadDemo = useLab((s) => s.loadDemo);
  const closeSuite = useLab((s) => s.closeSuite);
  const busy = suite.status === 'loading';
  const [over, setOver] = useState(false);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void filesFromDrop(e.dataTransfer.items).then((files) => { if (files.length && !busy) void openDrop(files); });
  };
  return (
    <section
      className={`panel${over ? ' over' : ''}`} aria-labelledby="suite-title" data-testid="suite-panel" data-status={suite.status} data-attempt={suite.attempt}
      onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={onDrop}
    >
      <h2 id="suite-title">Task suite</h2>
      <p className="muted">
        Drop a suite folder here or pick it. A suite is a folder with <code>manifest.json</code>, <code>models/</code> (pretrained + one expert per task),{' '}
        <code>heads.safetensors</code> and <code>data/&lt;task&gt;/</code> test images (safetensors, an ImageFolder of PNG/JPEG, IDX or parquet files).
        Or drop real checkpoints without a manifest — a pretrained <code>CLIPModel</code> folder, expert folders and test splits, or their parent folder —
        and the lab assembles the suite.
      </p>
      <div className="actions">
        <button data-testid="load-demo" disabled={busy} onClick={() => void loadDemo()}>Load demo (mini8 zoo)</button>
        <label className={`button secondary${busy ? ' disabled' : ''}`}>
          Pick suite folder…
          <input
            type="file"
            data-testid="suite-input"
            multiple
            disabled={busy}
            ref={(el) => { el?.setAttribute('webkitdirectory', ''); }}
            onChange={(e) => { const files = filesFromInput(e.currentTarget.files); e.currentTarget.value = ''; if (files.length) void openDrop(files); }}
          />
        </label>
        {suite.status === 'ready' && <button className="link" onClick={() => void closeSuite()}>close suite</button>}
      </div>
      <AssemblyView />
      {busy && <ProgressLine progress={suite.progress} label="Opening the suite" />}
      {busy && suite.source?.kind === 'files' && <button className="secondary-button" data-testid="cancel-suite-open" onClick={() => void cancelOpen()}>Cancel</button>}
      {suite.status === 'error' && suite.error && <ErrorBox error={suite.error} title="Suite not loaded:" />}
      {suite.status === 'ready' && <SuiteView />}
    </section>
  );
}
