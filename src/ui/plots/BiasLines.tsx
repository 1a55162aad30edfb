/** Representation bias over layers, one line per model (recharts), for a task or the all-tasks mean. */
import { useRef } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { BiasMetric, BiasReport } from '../../worker/api';
import { type BiasTask, lineRows, seriesKeys } from './bias-data';
import { ChartExport } from '../export/ChartExport';
import { categoricalColor } from './colors';

export interface BiasLinesProps {
  report: BiasReport;
  metric: BiasMetric;
  task: BiasTask;
  onMetric?: (m: BiasMetric) => void;
  onTask?: (t: BiasTask) => void;
  height?: number;
}

export const METRIC_LABEL: Record<BiasMetric, string> = { l1: 'mean |h − h_expert| (L1)', cosine: 'cosine distance to the expert' };

export function BiasLines({ report, metric, task, onMetric, onTask, height = 300 }: BiasLinesProps) {
  const keys = seriesKeys(report);
  const ref = useRef<HTMLElement>(null);
  return (
    <figure ref={ref} className="bias-lines" data-testid="bias-lines">
      <figcaption className="scatter-toolbar">
        {onTask && (
          <label>Task{' '}
            <select value={String(task)} onChange={(e) => onTask(e.target.value === 'all' ? 'all' : Number(e.target.value))}>
              <option value="all">all tasks (mean)</option>
              {report.tasks.map((t, i) => <option key={t} value={i}>{t}</option>)}
            </select>
          </label>
        )}
        {onMetric && (
          <label>Metric{' '}
            <select value={metric} onChange={(e) => onMetric(e.target.value as BiasMetric)}>
              <option value="l1">L1</option>
              <option value="cosine">cosine</option>
            </select>
          </label>
        )}
        <span className="muted">{METRIC_LABEL[metric]}, per layer (CLS after each block, then z)</span>
      </figcaption>
      <ResponsiveContainer width="100%" height={height}>
        <LineChart data={lineRows(report, metric, task)} margin={{ top: 8, right: 16, bottom: 8, left: 8 }} title="Representation bias per layer">
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="layer" />
          <YAxis tickFormatter={(v: number) => v.toPrecision(2)} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? v.toPrecision(4) : String(v))} contentStyle={{ background: 'var(--panel)', borderColor: 'var(--line)' }} />
          <Legend />
          {keys.map((k, i) => <Line key={k} dataKey={k} stroke={categoricalColor(i)} dot isAnimationActive={false} />)}
        </LineChart>
      </ResponsiveContainer>
      <ChartExport target={ref} name={`bias per layer ${metric}`} />
    </figure>
  );
}
