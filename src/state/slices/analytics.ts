/**
 * Analytics slice: task-vector analytics (cosine similarities, norms, per-layer sign conflicts)
 * of the current pool, computed in the worker in one streaming pass, with progress and cancel.
 */
import { asErrorInfo } from '../../worker/api';
import { labPool } from '../pool-selectors';
import type { SliceCreator } from './lab-state';
import type { AnalyticsSlice } from './suite-merge-slices';

export const createAnalyticsSlice: SliceCreator<AnalyticsSlice> = (set, get, ctx) => {
  let next = 1;
  const put = (jobId: string, task: AnalyticsSlice['analytics']['task'], done = false) => {
    if (get().analytics.jobId === jobId) set({ analytics: { task, jobId: done ? null : jobId } });
  };
  return {
    analytics: { task: { status: 'idle' }, jobId: null },

    async runAnalytics() {
      const pool = labPool(get());
      if (!pool || get().analytics.jobId) return;
      const jobId = `analytics-${next++}`;
      set({ analytics: { task: { status: 'running', progress: null }, jobId } });
      try {
        const api = await ctx.engine.api();
        const result = await api.analyzeTaskVectors(pool.ref, { jobId }, (progress) => {
          if (get().analytics.task.status === 'running') put(jobId, { status: 'running', progress });
        });
        put(jobId, { status: 'done', result }, true);
      } catch (e) {
        const error = asErrorInfo(e);
        put(jobId, error.code === 'cancelled' ? { status: 'idle' } : { status: 'error', error }, true);
      }
    },

    async cancelAnalytics() {
      const { jobId } = get().analytics;
      if (jobId) await ctx.engine.api().then((api) => api.cancel(jobId)).catch(() => undefined);
    },
  };
};
