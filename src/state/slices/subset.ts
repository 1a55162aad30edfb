/**
 * Subset slice: which of the loaded suite's tasks the lab merges, evaluates, sweeps and
 * analyses (null: all of them; at least two otherwise). Training stays on all tasks. Changing it
 * clears the λ curve and the analytics (they were measured on other tasks); merge runs stay, each
 * scored on its own tasks. A new suite starts again from all tasks (merge slice's resetLab).
 */
import type { SliceCreator } from './lab-state';
import { IDLE_SWEEP } from './sweep';

export interface SubsetSlice {
  subset: { tasks: string[] | null };
  /**
   * Chooses the tasks (kept in the suite's order; all of them or null means all). Names the suite
   * does not have are dropped; with fewer than two left it returns a message and changes nothing.
   */
  setTaskSubset(tasks: string[] | null): string | null;
}

export const createSubsetSlice: SliceCreator<SubsetSlice> = (set, get, ctx) => ({
  subset: { tasks: null },

  setTaskSubset(tasks) {
    const all = get().suite.info?.tasks.map((t) => t.name) ?? null;
    let next = tasks;
    if (tasks && all) {
      const kept = all.filter((t) => tasks.includes(t));
      if (kept.length < 2) return `Choose at least two tasks to merge (${kept.length === 1 ? `only ${kept[0]} is` : 'none is'} chosen).`;
      next = kept.length === all.length ? null : kept;
    }
    if (JSON.stringify(next) === JSON.stringify(get().subset.tasks)) return null;
    const analyticsJob = get().analytics.jobId;
    set((s) => ({
      subset: { tasks: next },
      sweep: { ...IDLE_SWEEP, lambda: s.sweep.lambda },
      analytics: { task: { status: 'idle' }, jobId: null },
    }));
    if (analyticsJob) void ctx.engine.api().then((api) => api.cancel(analyticsJob)).catch(() => undefined);
    return null;
  },
});
