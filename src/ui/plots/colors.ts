/**
 * Colour maps for the plots: a categorical palette (tasks, classes; Tableau 10 then 10 lighter
 * tones, cycling), correct/incorrect, and a sequential ramp for the heatmap (viridis, 9 stops,
 * interpolated in RGB).
 */
const CATEGORICAL = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#a0cbe8', '#ffbe7d', '#ff9d9a', '#86bcb6', '#8cd17d', '#f1ce63', '#d4a6c8', '#fabfd2', '#d7b5a6', '#79706e',
];

/** A colour custom property of the page (styles.css; dark mode redefines them), for canvas drawing; `fallback` outside a page. */
export function cssColor(name: string, fallback: string): string {
  const v = typeof document === 'undefined' ? '' : getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export const CORRECT_COLOR = '#2e9d4d';
export const INCORRECT_COLOR = '#d1352b';

export function categoricalColor(i: number): string {
  return CATEGORICAL[((i % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length];
}

const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

/** Viridis at t ∈ [0, 1] (clamped) as '#rrggbb'. */
export function sequentialColor(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = hex(VIRIDIS[i]), b = hex(VIRIDIS[i + 1]);
  return '#' + a.map((v, c) => Math.round(v + (b[c] - v) * f).toString(16).padStart(2, '0')).join('');
}

function hex(c: string): number[] {
  return [1, 3, 5].map((o) => parseInt(c.slice(o, o + 2), 16));
}

export type ColorBy = 'task' | 'class' | 'correct';

export interface PointInfo {
  /** [m] task index of each row. */
  tasks: Int32Array;
  /** [m] true class of each row (within its task). */
  labels: Int32Array;
  /** Layer id → [m] predicted class. */
  predictions: Record<string, Int32Array>;
}

/** The colour of row r on layer `layer`. Class colours cycle per task; correct/incorrect needs predictions for the layer (grey without). */
export function pointColor(info: PointInfo, by: ColorBy, layer: string, r: number): string {
  if (by === 'task') return categoricalColor(info.tasks[r]);
  if (by === 'class') return categoricalColor(info.labels[r]);
  const pred = info.predictions[layer];
  return !pred ? '#999999' : pred[r] === info.labels[r] ? CORRECT_COLOR : INCORRECT_COLOR;
}

export interface LegendEntry { label: string; color: string }

/** Legend entries for the colouring: task names, the classes of one task (or "class i"), or correct/incorrect. */
export function legendEntries(by: ColorBy, taskNames: string[], classNames: string[][], task?: number): LegendEntry[] {
  if (by === 'task') return taskNames.map((label, i) => ({ label, color: categoricalColor(i) }));
  if (by === 'correct') return [{ label: 'correct', color: CORRECT_COLOR }, { label: 'incorrect', color: INCORRECT_COLOR }];
  const names = task !== undefined ? classNames[task] ?? [] : Array.from({ length: Math.max(0, ...classNames.map((c) => c.length)) }, (_, i) => `class ${i}`);
  return names.map((label, i) => ({ label, color: categoricalColor(i) }));
}
