/**
 * The training loss so far (both stages numbered in one run), live (recharts), from the bounded
 * series the train slice keeps (at most 500 points: each bucket's extremes, first and latest).
 */
import { useRef } from 'react';
import { type LossSeries, lossPoints } from '../../state/engine-view';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { COLORS } from './AccuracyBars';
import { ChartExport } from '../export/ChartExport';

export function LossCurve({ series }: { series: LossSeries }) {
  const ref = useRef<HTMLDivElement>(null);
  const points = lossPoints(series);
  return (
    <div className="chart-wrap">
      <div ref={ref} className="chart" data-testid="loss-curve" data-points={points.length} data-steps={series.count} role="img" aria-label="Training loss against step">
        <ResponsiveContainer width="100%" height={180}>
          <LineChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 0 }} title="Training loss per step">
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="step" type="number" domain={[0, 'dataMax']} tick={{ fontSize: 12 }} label={{ value: 'step', position: 'insideBottomRight', offset: -4 }} />
            <YAxis domain={[0, 'auto']} tick={{ fontSize: 12 }} />
            <Tooltip formatter={(v) => Number(v).toFixed(4)} labelFormatter={(l) => `step ${String(l)}`} />
            <Line dataKey="loss" name="loss" stroke={COLORS.merged} strokeWidth={1.5} dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <ChartExport target={ref} name="training loss" />
    </div>
  );
}
