/** The λ values scored so far: capped average accuracy of Task Arithmetic against λ, with the individual and pretrained averages as reference lines (recharts). */
import { useRef } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { COLORS } from './AccuracyBars';
import { ChartExport } from '../export/ChartExport';

export interface SweepPoint {
  lambda: number;
  merged: number;
}

export function SweepCurve({ points, individual, pretrained }: { points: SweepPoint[]; individual: number; pretrained: number }) {
  const ref = useRef<HTMLDivElement>(null);
  return (
    <div className="chart-wrap">
      <div ref={ref} className="chart" data-testid="sweep-curve" role="img" aria-label="Average accuracy against λ">
        <ResponsiveContainer width="100%" height={200}>
          <LineChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 0 }} title="Task Arithmetic average accuracy against λ">
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="lambda" type="number" domain={[0, 1.5]} tick={{ fontSize: 12 }} label={{ value: 'λ', position: 'insideBottomRight', offset: -4 }} />
            <YAxis domain={[0, 100]} unit="%" tick={{ fontSize: 12 }} />
            <Tooltip formatter={(v) => `${Number(v).toFixed(1)} %`} labelFormatter={(l) => `λ = ${Number(l).toFixed(2)}`} />
            <ReferenceLine y={individual} stroke={COLORS.individual} strokeDasharray="4 2" label={{ value: 'individual', fontSize: 11, fill: COLORS.individual, position: 'insideTopLeft' }} />
            <ReferenceLine y={pretrained} stroke={COLORS.pretrained} strokeDasharray="4 2" label={{ value: 'pretrained', fontSize: 11, fill: COLORS.pretrained, position: 'insideBottomLeft' }} />
            <Line dataKey="merged" name="Task Arithmetic (average)" stroke={COLORS.merged} strokeWidth={2} dot isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <ChartExport target={ref} name="lambda sweep" />
    </div>
  );
}
