/**
 * Sweep slice: the λ slider of Task Arithmetic. Each move waits for the slider to rest
 * (sweepDebounceMs), cancels the run of a stale λ, then merges with the new λ and scores it on the
 * suite's class-stratified sample of `limit` test images per task (its references are cached in the worker). The
 * merge is closed right after scoring: the sweep keeps only its report.
 */
import { asErrorInfo, type Progress } from '../../worker/api';
import { suitePool } from '../pool-selectors';
import type { SliceCreator } from './lab-state';
import type { SweepSlice } from './suite-merge-slices';

const SWEEP_LIMIT = 64;
export const IDLE_SWEEP: SweepSlice['sweep'] = { lambda: 0.3, limit: SWEEP_LIMIT, status: 'idle', progress: null, scoredLambda: null, report: null, error: null, history: [] };

export const createSweepSlice: SliceCreator<SweepSlice> = (set, get, ctx) => {
  let latest = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let runningJob: string | null = null;
  /** Resolves the promise of a λ that was superseded before it ran. */
  let pending: (() => void) | null = null;

  const patch = (p: Partial<SweepSlice['sweep']>) => set((s) => ({ sweep: { ...s.sweep, ...p } }));

  const score = async (call: number, lambda: number) => {
    const info = get().suite.info;
    if (!info) return patch({ status: 'idle' });
    const jobId = `sweep-${call}`;
    runningJob = jobId;
    const generation = ctx.engine.generation;
    const pool = suitePool(get())!.ref;
    const tasks = get().subset.tasks;
    const live = () => call === latest && generation === ctx.engine.generation && get().suite.info?.id === info.id && get().subset.tasks === tasks;
    patch({ status: 'running', progress: null, error: null });
    // A last progress report may arrive after its call settled: it must not show a finished run as running.
    let settled = false;
    const onProgress = (progress: Progress) => { if (live() && !settled) patch({ progress }); };
    try {
      const api = await ctx.engine.api();
      const merged = await api.merge({ pool, method: 'task_arithmetic', params: { lambda } }, { jobId }, onProgress);
      try {
        const report = await api.evaluate(info.id, merged.id, { sample: { size: get().sweep.limit }, jobId }, onProgress);
        settled = true;
        if (live()) {
          const point = { lambda, merged: report.average.merged!.accuracy, normalized: report.average.merged!.normalized };
          const history = [...get().sweep.history.filter((h) => h.lambda !== lambda), point].sort((a, b) => a.lambda - b.lambda);
          patch({ status: 'done', progress: null, report, scoredLambda: lambda, history });
        }
      } finally {
        await api.closeMerge(merged.id);
      }
    } catch (e) {
      const error = asErrorInfo(e);
      settled = true;
      if (live() && error.code !== 'cancelled') patch({ status: 'error', progress: null, error });
    } finally {
      if (runningJob === jobId) runningJob = null;
    }
  };

  return {
    sweep: IDLE_SWEEP,

    setSweepLambda(lambda) {
      const call = ++latest;
      patch({ lambda, status: 'waiting' });
      if (timer) clearTimeout(timer);
      pending?.();
      if (runningJob) {
        const stale = runningJob;
        void ctx.engine.api().then((api) => api.cancel(stale)).catch(() => undefined);
      }
      return new Promise<void>((resolve) => {
        pending = resolve;
        timer = setTimeout(() => {
          timer = null;
          pending = null;
          void score(call, lambda).finally(resolve);
        }, ctx.sweepDebounceMs);
      });
    },
  };
};
