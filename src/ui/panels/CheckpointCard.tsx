/**
 * One loaded checkpoint: what was recognised (format, layout, architecture, parameters, dtypes,
 * size, notes) or why it could not be, the pretrained choice, and its two checks.
 */
import type { CheckpointEntry } from '../../state/slices/lab-state';
import type { CheckpointSummary } from '../../worker/api';
import { ErrorBox } from '../components/ErrorBox';
import { ForwardResult } from '../components/ForwardResult';
import { GoldenResult } from '../components/GoldenResult';
import { ProgressLine } from '../components/ProgressLine';
import { formatBytes, formatCount } from '../../format/format';
import { useLab } from '../store-context';

export function architecture(s: CheckpointSummary): string {
  const c = s.config;
  return `${c.numLayers} layers × ${c.hiddenSize} hidden, ${c.numHeads} heads, MLP ${c.intermediateSize}, patch ${c.patchSize}, image ${c.imageSize}, `
    + `${c.projectionDim ? `projection ${c.projectionDim}` : 'no projection'}, ${c.hiddenAct}`;
}

const dtypeText = (d: Readonly<Record<string, number>>) =>
  Object.entries(d).map(([dtype, n]) => `${dtype} (${n} tensor${n === 1 ? '' : 's'})`).join(', ');

function Facts({ s }: { s: CheckpointSummary }) {
  return (
    <dl className="facts">
      <dt>Format</dt><dd data-testid="ck-format">{s.format === 'hf' ? 'Hugging Face' : 'open_clip'} · {s.layout}</dd>
      <dt>Architecture</dt><dd data-testid="ck-arch">{architecture(s)} <span className="muted">({s.configSource})</span></dd>
      <dt>Parameters</dt><dd data-testid="ck-params">{formatCount(s.paramCount)} <span className="muted">in {s.tensorCount} tensors</span></dd>
      <dt>Dtype</dt><dd data-testid="ck-dtypes">{dtypeText(s.dtypes)}</dd>
      <dt>File size</dt><dd data-testid="ck-size">{formatBytes(s.fileBytes)}</dd>
      {s.notes.length > 0 && (<><dt>Notes</dt><dd><ul className="notes">{s.notes.map((n, i) => <li key={i}>{n}</li>)}</ul></dd></>)}
    </dl>
  );
}

export function CheckpointCard({ c, pretrained }: { c: CheckpointEntry; pretrained: boolean }) {
  const setPretrained = useLab((s) => s.setPretrained);
  const runForward = useLab((s) => s.runForward);
  const checkGolden = useLab((s) => s.checkGolden);
  const remove = useLab((s) => s.removeCheckpoint);
  const busy = c.forward.status === 'running' || c.golden.status === 'running';
  return (
    <article className={`card ${c.status}`} data-testid="checkpoint" data-name={c.name} data-status={c.status}>
      <header className="card-head">
        <h3>{c.name}</h3>
        {c.status === 'ready' && (
          <label className="pretrained">
            <input type="radio" name="pretrained" checked={pretrained} onChange={() => void setPretrained(c.key)} /> pretrained
          </label>
        )}
        <button className="link" aria-label={`Remove ${c.name}`} onClick={() => void remove(c.key)}>remove</button>
      </header>
      {c.status === 'opening' && <p className="muted">Reading {c.files.length} file{c.files.length === 1 ? '' : 's'}…</p>}
      {c.status === 'error' && c.error && <ErrorBox error={c.error} title="Not loaded:" />}
      {c.status === 'ready' && c.summary && (
        <>
          <Facts s={c.summary} />
          <div className="actions">
            <button disabled={busy} onClick={() => void runForward(c.key)}>Run forward</button>
            {c.hasGolden && <button disabled={busy} onClick={() => void checkGolden(c.key)}>Check against golden</button>}
          </div>
          {c.forward.status === 'running' && <ProgressLine progress={c.forward.progress} label="Forward on 2 synthetic images" />}
          {c.forward.status === 'error' && <ErrorBox error={c.forward.error} title="Forward failed:" />}
          {c.forward.status === 'done' && <ForwardResult r={c.forward.result} />}
          {c.golden.status === 'running' && <ProgressLine progress={c.golden.progress} label="Checking against golden" />}
          {c.golden.status === 'error' && <ErrorBox error={c.golden.error} title="Golden check failed:" />}
          {c.golden.status === 'done' && <GoldenResult r={c.golden.result} />}
        </>
      )}
    </article>
  );
}
