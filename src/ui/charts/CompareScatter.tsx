/**
 * The papers' efficiency plot for the selected runs: average accuracy against the extra
 * parameters a run adds, on a log x axis whose leftmost tick is 0 (runs that add none sit one
 * decade left of the smallest count), with the individual and pretrained averages as lines.
 */
import { useRef } from 'react';
import { CartesianGrid, Legend, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { efficiencyPoints, extraParamsTick } from '../../state/runs/compare';
import type { RunRecord } from '../../state/runs/record';
import { ChartExport } from '../export/ChartExport';
import { categoricalColor } from '../plots/colors';
import { COLORS } from './AccuracyBars';

export function CompareScatter({ runs }: { runs: RunRecord[] }) {
  const ref = useRef<HTMLDivElement>(null);
  const { points, zeroAt, ticks } = efficiencyPoints(runs);
  if (points.length === 0) return null;
  const name = (p: (typeof points)[number]) => `${p.label} (${p.extraParams.toLocaleString('en')} extra)`;
  const order = new Map(points.map((p, i) => [name(p), i]));
  const latest = runs.filter((r) => r.average !== null).at(-1)!.average!;
  return (
    <div className="chart-wrap">
      <div ref={ref} className="chart" data-testid="compare-scatter" role="img" aria-label={`Average accuracy against extra parameters of ${points.length} runs`}>
        <ResponsiveContainer width="100%" height={340}>
          <ScatterChart margin={{ top: 8, right: 16, bottom: 20, left: 0 }} title="Average accuracy against extra parameters of the runs">
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" dataKey="x" domain={[ticks[0] - 0.3, ticks[ticks.length - 1] + 0.3]} ticks={ticks} tickFormatter={(x: number) => extraParamsTick(x, zeroAt)} tick={{ fontSize: 12 }}
              label={{ value: 'extra parameters (log)', position: 'insideBottom', offset: -8, fontSize: 12 }} />
            <YAxis type="number" dataKey="accuracy" domain={[0, 100]} unit="%" tick={{ fontSize: 12 }} />
            <Tooltip formatter={(v, n) => (n === 'x' ? extraParamsTick(Number(v), zeroAt) : `${Number(v).toFixed(1)} %`)} />
            <Legend wrapperStyle={{ fontSize: 12, paddingTop: 12 }} itemSorter={(item) => order.get(String(item.value)) ?? 0} />
            <ReferenceLine y={latest.individual} stroke={COLORS.individual} strokeDasharray="4 2" label={{ value: 'individual', fontSize: 11, fill: COLORS.individual, position: 'insideTopLeft' }} />
            <ReferenceLine y={latest.pretrained} stroke={COLORS.pretrained} strokeDasharray="4 2" label={{ value: 'pretrained', fontSize: 11, fill: COLORS.pretrained, position: 'insideBottomLeft' }} />
            {points.map((p, i) => <Scatter key={p.id} name={name(p)} data={[p]} fill={categoricalColor(i)} isAnimationActive={false} />)}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <ChartExport target={ref} name="accuracy vs extra parameters" />
    </div>
  );
}
