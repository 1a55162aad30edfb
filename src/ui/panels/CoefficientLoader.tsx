/**
 * Given AdaMerging coefficients: pick a JSON file (this lab's "Export
 * coefficients") or paste one — also a published task-wise list such as [0.2202, 0.1413, …]. They
 * are checked against the loaded suite's tasks and the checkpoint's tensors at once
 * (engine/trained/coefficients-json.ts); when they fit, "Train and evaluate" merges with them
 * without training, otherwise the error names what does not fit and the text stays as given.
 */
import { useState } from 'react';
import { ErrorBox } from '../components/ErrorBox';
import { useLab } from '../store-context';

export function CoefficientLoader({ disabled }: { disabled: boolean }) {
  const given = useLab((s) => s.train.coefficients);
  const setText = useLab((s) => s.setCoefficientsText);
  const clear = useLab((s) => s.clearCoefficients);
  const [text, setLocal] = useState(given?.text ?? '');
  const pick = async (file: File | undefined) => {
    if (!file) return;
    const t = await file.text();
    setLocal(t);
    setText(t, file.name);
  };
  return (
    <fieldset className="coefficient-loader" data-testid="coefficient-loader" disabled={disabled}>
      <legend>Use given coefficients instead of training (optional)</legend>
      <label>Coefficients file{' '}
        <input type="file" accept=".json,application/json" data-testid="coefficients-file" onChange={(e) => void pick(e.currentTarget.files?.[0])} />
      </label>
      <label htmlFor="coefficients-text">…or paste them (exported JSON, or a task-wise list like [0.22, 0.14, …])</label>
      <textarea id="coefficients-text" data-testid="coefficients-text" rows={3} cols={60} value={text} spellCheck={false} onChange={(e) => setLocal(e.currentTarget.value)} />
      <div className="actions">
        <button type="button" className="secondary-button" data-testid="coefficients-use" disabled={!text.trim()} onClick={() => setText(text, 'pasted')}>Use these coefficients</button>
        {given && <button type="button" className="secondary-button" data-testid="coefficients-clear" onClick={() => { clear(); setLocal(''); }}>Train instead</button>}
      </div>
      <div aria-live="polite">
        {given?.json && (
          <p data-testid="coefficients-status">
            Using {given.json.granularity}-wise coefficients{given.json.plus ? ' (AdaMerging++)' : ''} for {given.json.tasks.length} tasks from {given.source}: AdaMerging merges with them and does not train.
          </p>
        )}
        {given?.error && <ErrorBox error={given.error} title="Coefficients:" />}
      </div>
    </fieldset>
  );
}
