/**
 * Per-task accuracy: pretrained, individual (each expert on its own task) and every merged model,
 * absolute and normalised (÷ individual) side by side, with the average over tasks.
 */
import type { EvalReport, Score } from '../../worker/api';
import { formatPct } from '../../format/format';

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

export function AccuracyTable({ refs, merged, caption }: { refs: EvalReport; merged: MergedColumn[]; caption?: string }) {
  const tasks = Object.keys(refs.tasks);
  return (
    <table className="accuracy" data-testid="accuracy-table">
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          <th rowSpan={2}>task</th><th rowSpan={2}>images</th>
          <th colSpan={2}>pretrained</th><th>individual</th>
          {merged.map((m) => <th key={m.key} colSpan={2} data-testid="merged-header">{m.label}</th>)}
        </tr>
        <tr>
          <th>acc.</th><th>norm.</th><th>acc.</th>
          {merged.map((m) => [<th key={`${m.key}a`}>acc.</th>, <th key={`${m.key}n`}>norm.</th>])}
        </tr>
      </thead>
      <tbody>
        {tasks.map((t) => (
          <tr key={t} data-testid="accuracy-row" data-task={t}>
            <th scope="row">{t}</th>
            <td className="num">{refs.tasks[t].images}</td>
            <Cells model="pretrained" s={refs.tasks[t].pretrained} />
            <td className="num" data-model="individual" data-metric="acc">{formatPct(refs.tasks[t].individual.accuracy)}</td>
            {merged.map((m) => <Cells key={m.key} model={m.key} s={m.report.tasks[t]?.merged} />)}
          </tr>
        ))}
        <tr className="average" data-testid="accuracy-row" data-task="average">
          <th scope="row">average</th>
          <td />
          <Cells model="pretrained" s={refs.average.pretrained} />
          <td className="num" data-model="individual" data-metric="acc">{formatPct(refs.average.individual.accuracy)}</td>
          {merged.map((m) => <Cells key={m.key} model={m.key} s={m.report.average.merged} />)}
        </tr>
      </tbody>
    </table>
  );
}
