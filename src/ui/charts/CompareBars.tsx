/**
 * Comparison of the selected runs, per task and on average: one bar per run (categorical palette)
 * beside the pretrained and individual references (recharts). Labels slant so 8+ tasks × 10 runs
 * stay readable at 1280 px; the legend names every run.
 */
import { useRef } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { taskBars } from '../../state/runs/compare';
import type { RunRecord } from '../../state/runs/record';
import { ChartExport } from '../export/ChartExport';
import { categoricalColor } from '../plots/colors';
import { COLORS } from './AccuracyBars';

export function CompareBars({ runs }: { runs: RunRecord[] }) {
  const ref = useRef<HTMLDivElement>(null);
  const { rows, mixedImages } = taskBars(runs);
  const scored = runs.filter((r) => r.tasks.length > 0);
  const order = new Map<unknown, number>([['pretrained', 0], ['individual', 1], ...scored.map((r, i): [string, number] => [r.id, i + 2])]);
  if (rows.length === 0) return <p className="muted">None of the selected runs was evaluated on a suite.</p>;
  return (
    <div className="chart-wrap">
      {mixedImages && <p className="muted">The selected runs were scored on different images: the reference bars are those of the latest run that scored each task.</p>}
      <div ref={ref} className="chart" data-testid="compare-bars" role="img" aria-label={`Accuracy per task of ${scored.length} runs against pretrained and individual`}>
        <ResponsiveContainer width="100%" height={340}>
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 8, left: 0 }} barGap={1} barCategoryGap="12%" title="Accuracy per task of the selected runs against individual and pretrained">
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="task" tick={{ fontSize: 11 }} interval={0} angle={-20} textAnchor="end" height={48} />
            <YAxis domain={[0, 100]} unit="%" tick={{ fontSize: 12 }} />
            <Tooltip formatter={(v) => `${Number(v).toFixed(1)} %`} />
            <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={(item) => order.get(item.dataKey) ?? 0} />
            <Bar dataKey="pretrained" name="pretrained" fill={COLORS.pretrained} isAnimationActive={false} />
            <Bar dataKey="individual" name="individual" fill={COLORS.individual} isAnimationActive={false} />
            {scored.map((r, i) => <Bar key={r.id} dataKey={r.id} name={r.label} fill={categoricalColor(i)} isAnimationActive={false} />)}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <ChartExport target={ref} name="runs per task" />
    </div>
  );
}
