/**
 * Published CLIP ViT-B/32 accuracies from the task registry, as columns beside the user's runs:
 * per task where the registry records a number (StandardTask.published), and the 8-task averages
 * (PUBLISHED_AVERAGES_8) on the average row only when the table's tasks are exactly those 8.
 * Each column keeps its source for the footnote.
 */
import { PUBLISHED_AVERAGES_8, STANDARD_TASKS, TASKS_8, findTask } from '../engine/tasks/registry';

export interface PublishedColumn {
  method: string;
  source: string;
  /** Table task → accuracy in %, null where the source prints none. */
  tasks: Record<string, number | null>;
  /** Average over the table's tasks as published; null unless the table holds exactly the 8 tasks. */
  average: number | null;
}

export interface PublishedView {
  columns: PublishedColumn[];
  /** The table's tasks are the 8 tasks the published averages cover. */
  isTask8: boolean;
  /** Table tasks the registry knows. */
  known: number;
}

export function publishedView(tableTasks: readonly string[]): PublishedView {
  const std = new Map(tableTasks.map((t) => [t, findTask(t)]));
  const names = new Set([...std.values()].filter((s) => s).map((s) => s!.name));
  const isTask8 = tableTasks.length === TASKS_8.length && TASKS_8.every((t) => names.has(t.name));
  const methods = new Map<string, PublishedColumn>();
  const column = (method: string, source: string) =>
    methods.get(`${method}\u0000${source}`) ?? methods.set(`${method}\u0000${source}`, { method, source, tasks: Object.fromEntries(tableTasks.map((t) => [t, null])), average: null }).get(`${method}\u0000${source}`)!;
  for (const a of PUBLISHED_AVERAGES_8) if (isTask8) column(a.method, a.source).average = a.accuracy;
  for (const [t, s] of std) for (const p of s?.published ?? []) column(p.method, p.source).tasks[t] = p.accuracy;
  const known = [...std.values()].filter((s) => s && STANDARD_TASKS.includes(s)).length;
  return { columns: [...methods.values()], isTask8, known };
}
