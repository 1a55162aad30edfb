/**
 * Training: a base merge (any merge method, or a trained base such as AdaMerging) and an optional
 * correction, each with its schema-generated form, the preset (quick by default: the demo trains
 * in seconds), the image cap and the evaluation interval; the extra trainable parameters for the
 * loaded architecture; then in the worker a live loss curve, steps/s and ETA, per-task accuracy
 * every N steps, Pause/Resume, Stop early and Cancel. Finished runs join the accuracy table and
 * are listed with their modules download and, with an AdaMerging base, the learned coefficients
 * (TrainRuns); AdaMerging can also use given coefficients instead of training (CoefficientLoader).
 */
import { useMemo } from 'react';
import { CORRECTIONS, MERGE_METHODS, TRAINED_BASES, baseSchema, extraParamCount, getTrainedMethod } from '../../engine/catalogue';
import { type Preset, importsCoefficients, trainParams } from '../../state/slices/train';
import { asErrorInfo } from '../../worker/api';
import { LossCurve } from '../charts/LossCurve';
import { ErrorBox } from '../components/ErrorBox';
import { ProgressLine } from '../components/ProgressLine';
import { ParamForm } from '../forms/ParamForm';
import { formatCount, formatPct } from '../../format/format';
import { useLab } from '../store-context';
import { CoefficientLoader } from './CoefficientLoader';
import { TrainRuns } from './TrainRuns';

const LIMITS = [null, 300, 100, 50] as const;

function useTrainForm() {
  const t = useLab((s) => s.train);
  const info = useLab((s) => s.suite.info);
  return useMemo(() => {
    const baseFields = baseSchema(t.base).params;
    const corrFields = t.correction ? getTrainedMethod(t.correction).params : [];
    try {
      const p = trainParams(t);
      let extra: number | null = null;
      if (info) {
        const config = info.pretrained.summary.config;
        const shapes = info.tasks.map((x) => ({ name: x.name, numClasses: x.classes.length }));
        extra = extraParamCount({ method: t.base, params: p.base }, t.correction ? { method: t.correction, params: p.correction! } : null, config, shapes, info.coefficientTensors);
      }
      return { baseFields, corrFields, base: p.base, correction: p.correction ?? {}, extra, error: null };
    } catch (e) {
      return { baseFields, corrFields, base: t.baseGiven, correction: t.given, extra: null, error: asErrorInfo(e) };
    }
  }, [t, info]);
}

function Live() {
  const job = useLab((s) => s.train.job);
  if (job.status !== 'running') return null;
  const l = job.live;
  const last = job.evals[job.evals.length - 1];
  return (
    <div data-testid="train-live">
      <ProgressLine
        label={job.paused ? 'Paused' : 'Training'}
        progress={l ? { stage: `the ${l.stage}, step ${l.step} of ${l.totalSteps}`, done: l.step, total: l.totalSteps } : { stage: 'preparing (merge and cached features)', done: 0, total: 1 }}
      />
      <p data-testid="train-progress">
        {job.paused ? 'Paused' : l ? `Training the ${l.stage}` : 'Preparing (merge and cached features)…'}
        {l && <> · step {l.step} of {l.totalSteps} · loss {l.loss?.toFixed(4) ?? '—'} · {l.stepsPerSecond.toFixed(1)} steps/s · ETA {l.etaSeconds === null ? '—' : `${Math.ceil(l.etaSeconds)} s`}</>}
      </p>
      <LossCurve series={job.losses} />
      {last && (
        <table className="accuracy" data-testid="train-eval">
          <caption>Accuracy after step {last.step} ({last.stage})</caption>
          <tbody>{Object.entries(last.tasks).map(([task, acc]) => <tr key={task}><th scope="row">{task}</th><td className="num">{formatPct(acc)}</td></tr>)}</tbody>
        </table>
      )}
      {job.notes.map((n) => <p key={n} className="muted">{n}</p>)}
    </div>
  );
}

export function TrainPanel() {
  const t = useLab((s) => s.train);
  const onSuite = useLab((s) => s.suite.status === 'ready');
  const setBase = useLab((s) => s.setTrainBase);
  const setBaseParam = useLab((s) => s.setTrainBaseParam);
  const setCorrection = useLab((s) => s.setCorrection);
  const setCorrectionParam = useLab((s) => s.setCorrectionParam);
  const setPreset = useLab((s) => s.setPreset);
  const setLimit = useLab((s) => s.setTrainLimit);
  const setEvalEvery = useLab((s) => s.setEvalEvery);
  const start = useLab((s) => s.startTraining);
  const pause = useLab((s) => s.pauseTraining);
  const resume = useLab((s) => s.resumeTraining);
  const stop = useLab((s) => s.stopTraining);
  const cancel = useLab((s) => s.cancelTraining);
  const subset = useLab((s) => s.subset.tasks);
  const form = useTrainForm();
  const job = t.job;
  const running = job.status === 'running';
  return (
    <section className="panel" aria-labelledby="train-title" data-testid="train-panel">
      <h2 id="train-title">Train</h2>
      {!onSuite && <p className="muted">Load a suite (or the demo): training uses its unlabelled test images.</p>}
      {subset && <p className="muted" data-testid="train-all-tasks">Training uses all the suite's tasks: the task subset ({subset.join(', ')}) applies to merges and evaluations only.</p>}
      <div className="method-row">
        <label>Base merge{' '}
          <select data-testid="train-base" value={t.base} disabled={running} onChange={(e) => setBase(e.currentTarget.value)}>
            {MERGE_METHODS.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
            {TRAINED_BASES.map((m) => <option key={m.id} value={m.id}>{m.label} (trained)</option>)}
          </select>
        </label>
      </div>
      <ParamForm fields={form.baseFields} values={form.base} onChange={setBaseParam} prefix="train-base" />
      {importsCoefficients(t.base) && <CoefficientLoader disabled={running || !onSuite} />}
      <div className="method-row">
        <label>Correction{' '}
          <select data-testid="train-correction" value={t.correction ?? 'none'} disabled={running} onChange={(e) => setCorrection(e.currentTarget.value === 'none' ? null : e.currentTarget.value)}>
            <option value="none">none (the base alone)</option>
            {CORRECTIONS.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
          </select>
        </label>
        {t.correction && <span className="muted">{getTrainedMethod(t.correction).summary}</span>}
      </div>
      {t.correction && <ParamForm fields={form.corrFields} values={form.correction} onChange={setCorrectionParam} prefix="train-correction" />}
      <div className="method-row">
        <label>Schedule{' '}
          <select data-testid="train-preset" value={t.preset} disabled={running} onChange={(e) => setPreset(e.currentTarget.value as Preset)}>
            <option value="quick">quick (for teaching)</option>
            <option value="paper">the paper's</option>
          </select>
        </label>
        <label>Train and score on{' '}
          <select data-testid="train-limit" value={t.limit ?? 'all'} disabled={running} onChange={(e) => setLimit(e.currentTarget.value === 'all' ? null : Number(e.currentTarget.value))}>
            {LIMITS.map((n) => <option key={n ?? 'all'} value={n ?? 'all'}>{n === null ? 'all test images' : `a sample of ${n} test images`}</option>)}
          </select>{' '}of each task
        </label>
        <label>Accuracy every{' '}
          <input data-testid="train-eval-every" type="number" min={0} step={1} value={t.evalEvery} disabled={running} onChange={(e) => setEvalEvery(Math.max(0, Math.floor(Number(e.currentTarget.value) || 0)))} /> steps
        </label>
      </div>
      {form.extra !== null && <p data-testid="train-extra-params">Extra trainable parameters for this architecture: <strong>{formatCount(form.extra)}</strong></p>}
      {form.error && <ErrorBox error={form.error} title="Parameter:" />}
      <div className="actions">
        <button data-testid="train-start" disabled={running || !onSuite || !!form.error || (importsCoefficients(t.base) && !!t.coefficients?.error)} onClick={() => void start()}>Train and evaluate</button>
        {running && !job.paused && <button data-testid="train-pause" className="secondary-button" onClick={() => void pause()}>Pause</button>}
        {running && job.paused && <button data-testid="train-resume" className="secondary-button" onClick={() => void resume()}>Resume</button>}
        {running && <button data-testid="train-stop" className="secondary-button" onClick={() => void stop()}>Stop early</button>}
        {running && <button data-testid="train-cancel" className="secondary-button" onClick={() => void cancel()}>Cancel</button>}
      </div>
      <Live />
      {job.status === 'cancelled' && <p className="muted" data-testid="train-cancelled">Cancelled. Nothing was kept; the lab is ready for the next run.</p>}
      {job.status === 'error' && <ErrorBox error={job.error} title="Training failed:" />}
      {!running && t.runs.length > 0 && <LossCurve series={t.runs[t.runs.length - 1].losses} />}
      <TrainRuns />
    </section>
  );
}
