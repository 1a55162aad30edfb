/**
 * The finished training runs of the Train panel: label, average accuracy, extra parameters and
 * time; the run's trained tensors as one safetensors file (EngineApi.trainedModules: the
 * correction's modules and/or AdaMerging's λ, with the run's description in __metadata__); with an
 * AdaMerging base its learned coefficients as a heatmap with "Export coefficients"; and Remove,
 * which also frees the run's kept artefacts in the engine.
 */
import { useState } from 'react';
import type { TrainRun } from '../../state/slices/train';
import { asErrorInfo, type ErrorInfo } from '../../worker/api';
import { ErrorBox } from '../components/ErrorBox';
import { fileSlug, saveBlob } from '../export/download';
import { formatCount, formatPct } from '../../format/format';
import { useLab } from '../store-context';
import { CoefficientHeatmap } from './CoefficientHeatmap';

function Run({ run }: { run: TrainRun }) {
  const modules = useLab((s) => s.trainedModules);
  const remove = useLab((s) => s.removeTrainRun);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const r = run.result;
  const download = async () => {
    setError(null);
    try {
      saveBlob(`${fileSlug(run.label)}.safetensors`, await modules(run.key));
    } catch (e) {
      setError(asErrorInfo(e));
    }
  };
  return (
    <li data-testid="train-run" data-key={run.key}>
      {run.label}: average {formatPct(r.report.average.merged?.accuracy)} % · {formatCount(r.extraParams)} extra parameters · {r.seconds.toFixed(1)} s{' '}
      <button type="button" className="secondary-button" data-testid="download-modules" onClick={() => void download()}>Download modules (.safetensors)</button>{' '}
      <button type="button" className="secondary-button" data-testid="remove-train-run" aria-label={`Remove ${run.label}`} onClick={() => void remove(run.key)}>Remove</button>
      {error && <ErrorBox error={error} title="Download failed:" />}
      {r.coefficients && (
        <details data-testid="train-coefficients">
          <summary>Learned coefficients ({r.coefficients.granularity}-wise)</summary>
          <CoefficientHeatmap coefficients={r.coefficients} fileName={`coefficients-${fileSlug(run.label)}.json`} />
        </details>
      )}
    </li>
  );
}

export function TrainRuns() {
  const runs = useLab((s) => s.train.runs);
  if (runs.length === 0) return null;
  return <ul data-testid="train-runs">{runs.map((r) => <Run key={r.key} run={r} />)}</ul>;
}
