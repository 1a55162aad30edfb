/**
 * The bias report (engine/eval/bias.ts) reshaped for the charts: rows for a recharts line chart
 * over layers (one key per model) for one task or the all-tasks mean, and the task × layer grid
 * (tasks, then the mean) of one model for the heatmap, with its value range.
 */
import type { BiasMetric, BiasReport } from '../../worker/api';

export type BiasTask = number | 'all';

export interface LineRow {
  layer: string;
  [model: string]: number | string;
}

/** One row per layer; model labels as keys (a label used twice gets " (2)", " (3)" …). */
export function lineRows(report: BiasReport, metric: BiasMetric, task: BiasTask): LineRow[] {
  const keys = seriesKeys(report);
  return report.layers.map((layer, l) => {
    const row: LineRow = { layer };
    report.models.forEach((_, m) => {
      row[keys[m]] = task === 'all' ? (metric === 'l1' ? report.meanL1 : report.meanCosine)[m][l] : report[metric][m][task][l];
    });
    return row;
  });
}

/** Unique series names for the models, in order. */
export function seriesKeys(report: BiasReport): string[] {
  const seen = new Map<string, number>();
  return report.models.map((m) => {
    const k = (seen.get(m.label) ?? 0) + 1;
    seen.set(m.label, k);
    return k === 1 ? m.label : `${m.label} (${k})`;
  });
}

export interface Heatmap {
  /** Task names, then 'all tasks'. */
  rows: string[];
  cols: string[];
  /** [rows][cols]. */
  values: number[][];
  min: number;
  max: number;
}

export function heatmap(report: BiasReport, metric: BiasMetric, model: number): Heatmap {
  const values = [...report[metric][model], (metric === 'l1' ? report.meanL1 : report.meanCosine)[model]];
  const flat = values.flat();
  return { rows: [...report.tasks, 'all tasks'], cols: report.layers, values, min: Math.min(...flat), max: Math.max(...flat) };
}
