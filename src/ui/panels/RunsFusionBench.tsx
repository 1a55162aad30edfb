/** The FusionBench command line and modelpool YAML of one run, with copy buttons, or why FusionBench cannot reproduce it. */
import { useState } from 'react';
import type { RunRecord } from '../../state/runs/record';
import { fusionBenchExport } from '../export/fusionbench';

function Copy({ text, what }: { text: string; what: string }) {
  const [said, setSaid] = useState('');
  const copy = () => navigator.clipboard.writeText(text).then(() => setSaid('Copied.'), () => setSaid('The browser refused the clipboard: select the text and copy it.'));
  return (
    <span>
      <button type="button" className="secondary-button" onClick={() => void copy()} aria-label={`Copy the ${what}`}>Copy</button>
      <span className="muted" aria-live="polite"> {said}</span>
    </span>
  );
}

export function RunsFusionBench({ record, onClose }: { record: RunRecord; onClose(): void }) {
  const fb = fusionBenchExport(record);
  return (
    <section className="fusionbench" data-testid="fusionbench" aria-label={`FusionBench config of ${record.label}`}>
      <div className="chart-head">
        <h3>Reproduce in FusionBench: {record.label}</h3>
        <button type="button" className="link" onClick={onClose}>close</button>
      </div>
      {fb.command && (
        <>
          <pre data-testid="fusionbench-command">{fb.command}</pre>
          <Copy text={fb.command} what="command line" />
        </>
      )}
      {fb.modelpoolYaml && (
        <>
          <p className="muted">modelpool/mergelab_pool.yaml:</p>
          <pre data-testid="fusionbench-yaml">{fb.modelpoolYaml}</pre>
          <Copy text={fb.modelpoolYaml} what="modelpool YAML" />
        </>
      )}
      <ul className="notes">{fb.notes.map((n, i) => <li key={i}>{n}</li>)}</ul>
    </section>
  );
}
