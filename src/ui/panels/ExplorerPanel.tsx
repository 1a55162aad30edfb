/**
 * The representation-bias explorer, after the results: pick a base merge run and a
 * corrected (training) run of the loaded suite — by default the latest merge and the latest
 * correction trained on it — and the images per task; then the bias layer by layer (computed in
 * the engine worker from cached hidden states) and one shared UMAP layout of the experts', the
 * base's and the corrected model's features (computed in the embedding worker), each with its
 * stage, progress and Cancel. A result computed for another choice is not shown.
 */
import { useMemo } from 'react';
import { DEFAULT_BUDGET, estimateLayoutSeconds } from '../../state/engine-view';
import { explorerQuestion, explorerRuns } from '../../state/slices/explorer';
import type { LabState } from '../../state/store';
import { ErrorBox } from '../components/ErrorBox';
import { ProgressLine } from '../components/ProgressLine';
import { useLab } from '../store-context';
import { ExplorerBias } from './ExplorerBias';
import { ExplorerUmap } from './ExplorerUmap';

const LIMITS = [50, 100, 300, 500];
const BUDGETS = [1000, 2000, DEFAULT_BUDGET, 12000];

/** The explorer's view of the store, recomputed only when its inputs change (stable for React). */
function useExplorer() {
  const suite = useLab((s) => s.suite);
  const merge = useLab((s) => s.merge);
  const train = useLab((s) => s.train);
  const explorer = useLab((s) => s.explorer);
  return useMemo(() => {
    const s = { suite, merge, train, explorer } as LabState;
    return { ...explorerRuns(s), biasQuestion: explorerQuestion(s, 'bias'), layoutQuestion: explorerQuestion(s, 'layout'), explorer, suite };
  }, [suite, merge, train, explorer]);
}

export function ExplorerPanel() {
  const x = useExplorer();
  const setBase = useLab((s) => s.setExplorerBase);
  const setCorrected = useLab((s) => s.setExplorerCorrected);
  const setLimit = useLab((s) => s.setExplorerLimit);
  const setBudget = useLab((s) => s.setExplorerBudget);
  const measure = useLab((s) => s.measureBias);
  const layout = useLab((s) => s.computeLayout);
  const cancel = useLab((s) => s.cancelExplorer);
  const scatterOf = useLab((s) => s.explorerScatter);
  const { bias, layout: lay, limit, budget } = x.explorer;
  const info = x.suite.info;
  const models = 1 + (x.base ? 1 : 0) + (x.corrected ? 1 : 0); // UMAP sets: experts, base, corrected
  const images = (info?.tasks ?? []).reduce((n, t) => n + Math.min(limit, t.images ?? 0), 0);
  const points = (b: number | 'all') => (b === 'all' ? images * models : Math.min(b, images * models));
  const seconds = estimateLayoutSeconds(points('all'), info?.pretrained.summary.config.projectionDim ?? info?.pretrained.summary.config.hiddenSize ?? 512);
  const busy = bias.status === 'running' || lay.status === 'running';
  const scatter = lay.status === 'done' && lay.result.question === x.layoutQuestion ? scatterOf(lay.result.key) : undefined;

  return (
    <section className="panel" aria-labelledby="explorer-title" data-testid="explorer-panel">
      <h2 id="explorer-title">Representation bias explorer</h2>
      {!info && <p className="muted" data-testid="explorer-empty">Load a suite (or the demo) first: the explorer compares models on its test images.</p>}
      {info && !x.base && <p className="muted" data-testid="explorer-empty">Merge first (the Merge panel): the explorer shows how far a merge's features lie from the experts', and how a correction trained on it pulls them back.</p>}
      {info && x.base && (
        <>
          <div className="method-row">
            <label>Base merge
              <select data-testid="explorer-base" value={x.base.key} disabled={busy} onChange={(e) => setBase(e.currentTarget.value)}>
                {x.bases.map((r) => <option key={r.key} value={r.key}>{r.label}</option>)}
              </select>
            </label>
            <label>Corrected
              <select data-testid="explorer-corrected" value={x.corrected?.key ?? 'none'} disabled={busy} onChange={(e) => setCorrected(e.currentTarget.value)}>
                <option value="none">none</option>
                {x.corrections.map((r) => <option key={r.key} value={r.key}>{r.label}</option>)}
              </select>
            </label>
            <label>Images per task
              <select data-testid="explorer-limit" value={limit} disabled={busy} onChange={(e) => setLimit(Number(e.currentTarget.value))}>
                {LIMITS.map((n) => <option key={n} value={n}>{n}</option>)}
              </select>
            </label>
          </div>
          {!x.corrected && <p className="muted" data-testid="explorer-no-correction">Train a correction to compare (the Train panel, e.g. {x.base.label} + Representation Surgery): it then shows here beside its base.</p>}
          <div aria-live="polite">
            {bias.status === 'running' && <ProgressLine progress={bias.progress} label="Measuring bias" />}
            {lay.status === 'running' && <ProgressLine progress={lay.progress} label="UMAP layout" />}
          </div>

          <h3>Bias, layer by layer</h3>
          <p className="muted">Distance of each model's representation (CLS after every block, then the final feature z) to the task expert's, on the same images. The experts are at 0.</p>
          <div className="actions">
            <button data-testid="explorer-measure" disabled={busy} onClick={() => void measure()}>Measure bias</button>
            {busy && <button className="secondary-button" data-testid="explorer-cancel" onClick={() => void cancel()}>Cancel</button>}
          </div>
          {bias.status === 'error' && <ErrorBox error={bias.error} title="Bias:" />}
          {bias.status === 'done' && bias.result.question === x.biasQuestion && (
        <>
          <p className="muted" data-testid="explorer-bias-images">On {bias.result.limit} test images of each task (a class-stratified sample){bias.result.limit < limit ? ' (all the training run kept)' : ''}.</p>
          <ExplorerBias report={bias.result} />
        </>
      )}

          <h3>UMAP of the features, before and after</h3>
          <div className="method-row">
            <label>Points
              <select data-testid="explorer-budget" value={String(budget)} disabled={busy} onChange={(e) => setBudget(e.currentTarget.value === 'all' ? 'all' : Number(e.currentTarget.value))}>
                {BUDGETS.map((b) => <option key={b} value={b}>{b.toLocaleString('en')}{b === DEFAULT_BUDGET ? ' (default)' : ''}</option>)}
                <option value="all">all {points('all').toLocaleString('en')} points (about {Math.max(1, Math.round(seconds))} s)</option>
              </select>
            </label>
            <span className="muted">{points(budget).toLocaleString('en')} points: {models} models × the same images, spread evenly over tasks (seeded)</span>
          </div>
          <div className="actions">
            <button data-testid="explorer-umap" disabled={busy} onClick={() => void layout()}>Compute UMAP</button>
          </div>
          {lay.status === 'error' && <ErrorBox error={lay.error} title="UMAP:" />}
          {scatter && <ExplorerUmap scatter={scatter} />}
        </>
      )}
    </section>
  );
}
