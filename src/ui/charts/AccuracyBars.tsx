/** Bar chart: per task (and the average), a merge's accuracy against the pretrained and individual references (recharts). */
import { useRef } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvalReport } from '../../worker/api';
import { ChartExport } from '../export/ChartExport';

/** Series colours: CSS custom properties of styles.css (light and dark palettes), which SVG attributes resolve. */
export const COLORS = { pretrained: 'var(--series-pretrained)', individual: 'var(--series-individual)', merged: 'var(--series-merged)' };

export function AccuracyBars({ report, label }: { report: EvalReport; label: string }) {
  const rows = Object.entries(report.tasks).map(([task, r]) => ({
    task, pretrained: r.pretrained.accuracy, individual: r.individual.accuracy, merged: r.merged?.accuracy ?? 0,
  }));
  rows.push({ task: 'average', pretrained: report.average.pretrained.accuracy, individual: report.average.individual.accuracy, merged: report.average.merged?.accuracy ?? 0 });
  const fmt = (v: unknown) => `${Number(v).toFixed(1)} %`;
  const ref = useRef<HTMLDivElement>(null);
  return (
    <div className="chart-wrap">
      <div ref={ref} className="chart" data-testid="accuracy-chart" role="img" aria-label={`Accuracy per task: ${label} against pretrained and individual`}>
        <ResponsiveContainer width="100%" height={280}>
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 8, left: 0 }} title={`Accuracy per task: ${label} against individual and pretrained`}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="task" tick={{ fontSize: 12 }} interval={0} />
            <YAxis domain={[0, 100]} unit="%" tick={{ fontSize: 12 }} />
            <Tooltip formatter={fmt} />
            <Legend />
            <Bar dataKey="pretrained" name="pretrained" fill={COLORS.pretrained} isAnimationActive={false} />
            <Bar dataKey="individual" name="individual" fill={COLORS.individual} isAnimationActive={false} />
            <Bar dataKey="merged" name={label} fill={COLORS.merged} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <ChartExport target={ref} name={`accuracy ${label}`} />
    </div>
  );
}
