/**
 * Per-task accuracy: pretrained, individual (each expert on its own task) and every merged model,
 * absolute and normalised (÷ individual) side by side, with the average over tasks. Given the
 * test-split sizes, a task scored on a sample says "of M · sampled"; given published figures, they
 * follow the runs in italics, their sources in a footnote.
 */
import type { EvalReport, Score } from '../../worker/api';
import { formatCount, formatPct } from '../../format/format';
import type { PublishedView } from '../../state/published';

export interface MergedColumn {
  key: string;
  label: string;
  report: EvalReport;
}

function Cells({ model, s }: { model: string; s: Score | undefined }) {
  return (
    <>
      <td className="num" data-model={model} data-metric="acc">{formatPct(s?.accuracy)}</td>
      <td className="num norm" data-model={model} data-metric="norm">{formatPct(s?.normalized)}</td>
    </>
  );
}

function Of({ scored, total }: { scored: number; total: number | undefined }) {
  if (total === undefined) return null;
  return <td className="muted" data-testid="images-of" data-sampled={scored < total}>{scored < total ? `of ${formatCount(total)} · sampled` : ''}</td>;
}

export function AccuracyTable({ refs, merged, caption, totals, published }: {
  refs: EvalReport; merged: MergedColumn[]; caption?: string;
  /** Test-split size per task: a task scored on fewer images is labelled as sampled. */
  totals?: Record<string, number>;
  published?: PublishedView;
}) {
  const tasks = Object.keys(refs.tasks);
  const pub = published?.columns ?? [];
  return (
    <table className="accuracy" data-testid="accuracy-table">
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          <th rowSpan={2}>task</th><th rowSpan={2} colSpan={totals ? 2 : 1}>images</th>
          <th colSpan={2}>pretrained</th><th>individual</th>
          {merged.map((m) => <th key={m.key} colSpan={2} data-testid="merged-header">{m.label}</th>)}
          {pub.map((p, i) => <th key={`p${i}`} data-testid="published-header" title={p.source}>{p.method}<sup>{i + 1}</sup></th>)}
        </tr>
        <tr>
          <th>acc.</th><th>norm.</th><th>acc.</th>
          {merged.map((m) => [<th key={`${m.key}a`}>acc.</th>, <th key={`${m.key}n`}>norm.</th>])}
          {pub.map((_, i) => <th key={`p${i}`}>published</th>)}
        </tr>
      </thead>
      <tbody>
        {tasks.map((t) => (
          <tr key={t} data-testid="accuracy-row" data-task={t}>
            <th scope="row">{t}</th>
            <td className="num">{refs.tasks[t].images}</td>
            {totals && <Of scored={refs.tasks[t].images} total={totals[t]} />}
            <Cells model="pretrained" s={refs.tasks[t].pretrained} />
            <td className="num" data-model="individual" data-metric="acc">{formatPct(refs.tasks[t].individual.accuracy)}</td>
            {merged.map((m) => <Cells key={m.key} model={m.key} s={m.report.tasks[t]?.merged} />)}
            {pub.map((p, i) => <td key={`p${i}`} className="num published" data-model={`published-${i}`} data-metric="acc" title={p.source}>{formatPct(p.tasks[t])}</td>)}
          </tr>
        ))}
        <tr className="average" data-testid="accuracy-row" data-task="average">
          <th scope="row">average</th>
          <td />
          {totals && <td />}
          <Cells model="pretrained" s={refs.average.pretrained} />
          <td className="num" data-model="individual" data-metric="acc">{formatPct(refs.average.individual.accuracy)}</td>
          {merged.map((m) => <Cells key={m.key} model={m.key} s={m.report.average.merged} />)}
          {pub.map((p, i) => <td key={`p${i}`} className="num published" data-model={`published-${i}`} data-metric="acc" title={p.source}>{formatPct(p.average)}</td>)}
        </tr>
      </tbody>
      {pub.length > 0 && (
        <tfoot data-testid="published-sources">
          <tr><td colSpan={99} className="muted">
            Published CLIP ViT-B/32 figures, not run here:{' '}
            {pub.map((p, i) => <span key={i}><sup>{i + 1}</sup> {p.method}: {p.source}. </span>)}
            {published && !published.isTask8 && 'The published averages are over the 8 tasks of the benchmark, so they are shown only for a table of exactly those tasks. '}
            A dash: the source prints no figure for that task.
          </td></tr>
        </tfoot>
      )}
    </table>
  );
}
