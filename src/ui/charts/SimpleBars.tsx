/** A plain labelled bar chart (recharts): task-vector norms, per-layer sign-conflict rates. */
import { useRef } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartExport } from '../export/ChartExport';

export interface BarDatum {
  name: string;
  value: number;
}

export function SimpleBars({ data, label, unit = '', colour = 'var(--series-merged)', digits = 3, max, testId }: { data: BarDatum[]; label: string; unit?: string; colour?: string; digits?: number; max?: number; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  return (
    <div className="chart-wrap">
      <div ref={ref} className="chart" data-testid={testId} role="img" aria-label={label}>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }} title={label}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} angle={-30} textAnchor="end" height={56} />
            <YAxis unit={unit} tick={{ fontSize: 12 }} domain={[0, max ?? 'auto']} />
            <Tooltip formatter={(v) => `${Number(v).toFixed(digits)}${unit}`} />
            <Bar dataKey="value" name={label} fill={colour} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <ChartExport target={ref} name={label} />
    </div>
  );
}
