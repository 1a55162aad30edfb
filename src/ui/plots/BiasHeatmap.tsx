/** Task × layer heatmap of one model's bias (a small SVG grid: 9 tasks × ~14 layers), the all-tasks mean as the last row. */
import { useRef } from 'react';
import type { BiasMetric, BiasReport } from '../../worker/api';
import { ChartExport } from '../export/ChartExport';
import { heatmap } from './bias-data';
import { sequentialColor } from './colors';

export interface BiasHeatmapProps {
  report: BiasReport;
  metric: BiasMetric;
  /** Index into report.models. */
  model: number;
  /** Colour range; default this model's own min..max (pass a shared one to compare models). */
  range?: [number, number];
  cell?: number;
}

export function BiasHeatmap({ report, metric, model, range, cell = 34 }: BiasHeatmapProps) {
  const h = heatmap(report, metric, model);
  const [lo, hi] = range ?? [h.min, h.max];
  const left = 110, top = 70;
  const w = left + h.cols.length * cell + 8, ht = top + h.rows.length * cell + 8;
  const ref = useRef<HTMLElement>(null);
  return (
    <figure ref={ref} className="bias-heatmap" data-testid="bias-heatmap">
      <figcaption>{report.models[model]?.label}: {metric === 'l1' ? 'L1' : 'cosine'} bias, {lo.toPrecision(2)} – {hi.toPrecision(2)}</figcaption>
      <svg width={w} height={ht} fill="currentColor" role="img" aria-label={`bias heatmap of ${report.models[model]?.label}`}>
        {h.cols.map((c, j) => (
          <text key={c} transform={`translate(${left + j * cell + cell / 2}, ${top - 6}) rotate(-45)`} fontSize={11}>{c}</text>
        ))}
        {h.rows.map((r, i) => (
          <g key={r}>
            <text x={left - 6} y={top + i * cell + cell / 2 + 4} textAnchor="end" fontSize={12} fontWeight={i === h.rows.length - 1 ? 600 : 400}>{r}</text>
            {h.values[i].map((v, j) => (
              <rect key={j} x={left + j * cell} y={top + i * cell} width={cell - 1} height={cell - 1} fill={sequentialColor(hi > lo ? (v - lo) / (hi - lo) : 0)}>
                <title>{`${r}, ${h.cols[j]}: ${v.toPrecision(4)}`}</title>
              </rect>
            ))}
          </g>
        ))}
      </svg>
      <ChartExport target={ref} name={`bias heatmap ${report.models[model]?.label ?? model} ${metric}`} />
    </figure>
  );
}
