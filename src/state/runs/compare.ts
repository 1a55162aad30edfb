/**
 * Data of the comparison charts (pure): per-task grouped bars of the selected runs against the
 * individual and pretrained references, and the efficiency plot (average accuracy against extra
 * parameters) on a log x axis where 0 extra parameters sits one decade left of the smallest
 * non-zero count (a log axis cannot show 0).
 */
import type { RunRecord } from './record';

export interface TaskBarRow {
  task: string;
  pretrained: number | null;
  individual: number | null;
  /** Run id → accuracy (absent when the run has no score for the task). */
  [runId: string]: number | string | null;
}

/**
 * One row per task (in first-seen order) plus "average". The references are the latest selected
 * run's that scored the task (runs on other image counts have other references: `mixedImages` says so).
 */
export function taskBars(runs: readonly RunRecord[]): { rows: TaskBarRow[]; mixedImages: boolean } {
  const scored = runs.filter((r) => r.tasks.length > 0);
  const tasks = [...new Set(scored.flatMap((r) => r.tasks.map((t) => t.task)))];
  const rows: TaskBarRow[] = tasks.map((task) => {
    const row: TaskBarRow = { task, pretrained: null, individual: null };
    for (const r of scored) {
      const t = r.tasks.find((x) => x.task === task);
      if (!t) continue;
      row[r.id] = t.accuracy;
      row.pretrained = t.pretrained;
      row.individual = t.individual;
    }
    return row;
  });
  if (scored.length) {
    const avg: TaskBarRow = { task: 'average', pretrained: null, individual: null };
    for (const r of scored) {
      avg[r.id] = r.average!.accuracy;
      avg.pretrained = r.average!.pretrained;
      avg.individual = r.average!.individual;
    }
    rows.push(avg);
  }
  const images = new Set(scored.map((r) => r.tasks.map((t) => `${t.task}:${t.images}`).join(',')));
  return { rows, mixedImages: images.size > 1 };
}

export interface EfficiencyPoint {
  id: string;
  label: string;
  extraParams: number;
  accuracy: number;
  /** Position on the x axis: log10(extraParams), or zeroAt for 0. */
  x: number;
}

/** Points of the scored runs and the axis: decade ticks from the 0 position to the largest count. */
export function efficiencyPoints(runs: readonly RunRecord[]): { points: EfficiencyPoint[]; zeroAt: number; ticks: number[] } {
  const scored = runs.filter((r) => r.average !== null);
  const positive = scored.map((r) => r.extraParams).filter((p) => p > 0);
  const lo = positive.length ? Math.floor(Math.log10(Math.min(...positive))) : 0;
  const hi = positive.length ? Math.ceil(Math.log10(Math.max(...positive))) : 1;
  const zeroAt = lo - 1;
  const points = scored.map((r) => ({
    id: r.id, label: r.label, extraParams: r.extraParams, accuracy: r.average!.accuracy,
    x: r.extraParams > 0 ? Math.log10(r.extraParams) : zeroAt,
  }));
  const ticks = Array.from({ length: Math.max(hi, lo + 1) - zeroAt + 1 }, (_, i) => zeroAt + i);
  return { points, zeroAt, ticks };
}

/** Tick label of the efficiency plot's x axis: "0" at the zero position, else 10^k in short form. */
export function extraParamsTick(x: number, zeroAt: number): string {
  if (x === zeroAt) return '0';
  const v = 10 ** x;
  if (v >= 1e9) return `${v / 1e9}G`;
  if (v >= 1e6) return `${v / 1e6}M`;
  if (v >= 1e3) return `${v / 1e3}k`;
  return String(v);
}
