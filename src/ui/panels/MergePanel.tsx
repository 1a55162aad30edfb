/**
 * Merging: pick a method from the registry, edit its parameters (a form generated from its
 * schema), run it in the worker with progress (stage and bytes) and Cancel; on a suite the merge is
 * then evaluated per task. Works on the suite's models, else on the pool of the Models panel.
 */
import { useMemo } from 'react';
import { MERGE_METHODS as METHODS, getMergeMethod as getMethod, resolveMergeParams as resolveParams, type MethodId } from '../../engine/catalogue';
import { hasPoolChoice, labPool } from '../../state/pool-selectors';
import { asErrorInfo } from '../../worker/api';
import { ErrorBox } from '../components/ErrorBox';
import { ProgressLine } from '../components/ProgressLine';
import { EvalPlanLine } from '../components/EvalPlanLine';
import { ParamForm } from '../forms/ParamForm';
import { Hideable } from '../lessons/Hideable';
import { useLab } from '../store-context';
import { RunList } from './RunList';

function useResolved(method: MethodId, given: Record<string, unknown>) {
  return useMemo(() => {
    const m = getMethod(method);
    try {
      return { values: resolveParams(m, given as never), error: null };
    } catch (e) {
      return { values: { ...resolveParams(m, {}), ...given } as ReturnType<typeof resolveParams>, error: asErrorInfo(e) };
    }
  }, [method, given]);
}

const LIMITS = [null, 1000, 300, 100, 50, 10] as const;

/** How many test images per task the evaluation after a merge scores: all, or a seeded class-stratified sample (quicker; the first rows of a label-sorted split would be one class). */
function EvalLimit() {
  const limit = useLab((s) => s.merge.evalLimit);
  const set = useLab((s) => s.setEvalLimit);
  return (
    <label className="eval-limit">
      Evaluate on{' '}
      <select data-testid="eval-limit" value={limit ?? 'all'} onChange={(e) => set(e.currentTarget.value === 'all' ? null : Number(e.currentTarget.value))}>
        {LIMITS.map((n) => <option key={n ?? 'all'} value={n ?? 'all'}>{n === null ? 'all test images' : `a sample of ${n} test images`}</option>)}
      </select>{' '}
      of each task
    </label>
  );
}

/** With a suite and a pool of loaded models both present: which one to merge. */
function PoolChoice() {
  const useModels = useLab((s) => s.merge.useModels);
  const set = useLab((s) => s.setUseModels);
  return (
    <div className="pool-choice" role="radiogroup" aria-label="Pool to merge">
      <label><input type="radio" name="pool" checked={!useModels} onChange={() => set(false)} /> the suite's models</label>
      <label><input type="radio" name="pool" data-testid="pool-models" checked={useModels} onChange={() => set(true)} /> the models loaded in the Models panel</label>
    </div>
  );
}

export function MergePanel() {
  const merge = useLab((s) => s.merge);
  const poolLabel = useLab((s) => labPool(s)?.label ?? null);
  const onSuite = useLab((s) => labPool(s)?.suite ?? false);
  const choice = useLab(hasPoolChoice);
  const setMethod = useLab((s) => s.setMethod);
  const setParam = useLab((s) => s.setParam);
  const resetParams = useLab((s) => s.resetParams);
  const runMerge = useLab((s) => s.runMerge);
  const cancelMerge = useLab((s) => s.cancelMerge);
  const method = getMethod(merge.method);
  const { values, error } = useResolved(merge.method, merge.given);
  const job = merge.job;
  const running = job.status === 'running';
  return (
    <section className="panel" aria-labelledby="merge-title" data-testid="merge-panel">
      <h2 id="merge-title">Merge</h2>
      <p data-testid="merge-pool">
        {poolLabel ? <>Merging <strong>{poolLabel}</strong>{onSuite ? '; the result is evaluated on every task.' : ' (no suite: merge and download only).'}</>
          : <span className="muted">Load a suite (or the demo), or a pretrained model and experts in the Models panel, to merge.</span>}
      </p>
      {choice && <PoolChoice />}
      <Hideable id="method">
        <div className="method-row">
          <label>
            Method{' '}
            <select data-testid="method" value={merge.method} disabled={running} onChange={(e) => setMethod(e.currentTarget.value as MethodId)}>
              {METHODS.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
            </select>
          </label>
          <span className="muted">{method.summary} <a href={method.paper.url} target="_blank" rel="noreferrer">{method.paper.title}</a></span>
        </div>
      </Hideable>
      <ParamForm fields={method.params} values={values} onChange={setParam} />
      {error && <ErrorBox error={error} title="Parameter:" />}
      {onSuite && <EvalLimit />}
      {onSuite && <EvalPlanLine />}
      <div className="actions">
        <button data-testid="run-merge" disabled={running || !poolLabel || !!error} onClick={() => void runMerge()}>{onSuite ? 'Merge and evaluate' : 'Merge'}</button>
        {running && <button data-testid="cancel-merge" className="secondary-button" onClick={() => void cancelMerge()}>Cancel</button>}
        {Object.keys(merge.given).length > 0 && !running && <button className="link" onClick={resetParams}>reset to defaults</button>}
      </div>
      {running && <ProgressLine progress={job.progress} label={job.phase === 'merging' ? `Merging with ${method.label}` : 'Evaluating the merge'} />}
      {job.status === 'cancelled' && <p className="muted" data-testid="merge-cancelled">Cancelled. Nothing was kept; the lab is ready for the next run.</p>}
      {job.status === 'error' && <ErrorBox error={job.error} title="Merge failed:" />}
      <RunList />
    </section>
  );
}
