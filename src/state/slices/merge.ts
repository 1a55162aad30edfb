/**
 * Merge slice: the method and the parameters the user set (sent as given: the engine resolves
 * them once and returns them resolved; the form shows the defaults from the method's schema), one
 * merge job at a time — merge in the worker, then on a suite
 * the full per-task evaluation — with progress and cancel, and the list of runs for the table,
 * the chart and the downloads. Also resets the whole lab (training included) when the pool changes.
 */
import { asErrorInfo, type ErrorInfo } from '../../worker/api';
import { labPool, runLabel } from '../pool-selectors';
import type { SliceCreator } from './lab-state';
import type { MergeJob, MergeRun, MergeSlice } from './suite-merge-slices';
import { IDLE_SWEEP } from './sweep';

/** Seed of the class-stratified evaluation sample (the CLI's --sample N --seed 0 draws the same images). */
const EVAL_SAMPLE_SEED = 0;

export const createMergeSlice: SliceCreator<MergeSlice> = (set, get, ctx) => {
  let nextJob = 1;
  let nextRun = 1;

  const setJob = (job: MergeJob) => set((s) => ({ merge: { ...s.merge, job } }));
  const patchRun = (key: string, p: Partial<MergeRun>) =>
    set((s) => ({ merge: { ...s.merge, runs: s.merge.runs.map((r) => (r.key === key ? { ...r, ...p } : r)) } }));
  const running = () => { const j = get().merge.job; return j.status === 'running' ? j : null; };
  const failed = (e: unknown): MergeJob => {
    const error: ErrorInfo = asErrorInfo(e);
    return error.code === 'cancelled' ? { status: 'cancelled' } : { status: 'error', error };
  };

  /** Starts the one merge-panel job; `live` turns false once the engine restarts or another job replaces it. */
  const startJob = (phase: 'merging' | 'evaluating') => {
    const jobId = `merge-job-${nextJob++}`;
    const generation = ctx.engine.generation;
    setJob({ status: 'running', phase, progress: null, jobId });
    return { jobId, live: () => generation === ctx.engine.generation && running()?.jobId === jobId };
  };

  /** Evaluates a run on its suite (the job's second phase); a failure is shown on the run, a cancel in the panel. */
  const evaluate = async (run: MergeRun, jobId: string, live: () => boolean) => {
    setJob({ status: 'running', phase: 'evaluating', progress: null, jobId });
    patchRun(run.key, { report: { status: 'running', progress: null } });
    try {
      const api = await ctx.engine.api();
      const started = Date.now();
      const report = await api.evaluate(run.merged.suiteId!, run.merged.id, { jobId, sample: run.limit === null ? undefined : { size: run.limit, seed: EVAL_SAMPLE_SEED } }, (progress) => {
        if (live()) setJob({ status: 'running', phase: 'evaluating', progress, jobId });
      });
      if (!live()) return;
      const images = Object.values(report.tasks).reduce((n, t) => n + t.images, 0);
      set((s) => ({ merge: { ...s.merge, evalPace: { images, seconds: (Date.now() - started) / 1000 } } }));
      patchRun(run.key, { report: { status: 'done', result: report } });
      setJob({ status: 'idle' });
    } catch (e) {
      if (!live()) return;
      const job = failed(e);
      patchRun(run.key, { report: job.status === 'error' ? { status: 'error', error: job.error } : { status: 'idle' } });
      setJob(job.status === 'error' ? { status: 'idle' } : job);
    }
  };

  return {
    merge: { method: 'task_arithmetic', given: {}, useModels: false, evalLimit: null, evalPace: null, job: { status: 'idle' }, runs: [] },

    setMethod: (method) => set((s) => ({ merge: { ...s.merge, method, given: {} } })),
    setParam: (name, value) => set((s) => ({ merge: { ...s.merge, given: { ...s.merge.given, [name]: value } } })),
    resetParams: () => set((s) => ({ merge: { ...s.merge, given: {} } })),
    setEvalLimit: (evalLimit) => set((s) => ({ merge: { ...s.merge, evalLimit } })),
    setUseModels: (useModels) => set((s) => ({ merge: { ...s.merge, useModels } })),

    async runMerge() {
      if (running()) return;
      const state = get();
      const pool = labPool(state);
      if (!pool) return setJob({ status: 'error', error: { name: 'Error', code: 'usage', message: 'There is nothing to merge yet.', hint: 'Load a suite (or Load demo), or load a pretrained model and at least one expert in the Models panel.' } });
      const { method, given } = state.merge;
      const limit = pool.suite ? state.merge.evalLimit ?? undefined : undefined;
      const { jobId, live } = startJob('merging');
      let run: MergeRun | null = null;
      try {
        const api = await ctx.engine.api();
        const merged = await api.merge({ pool: pool.ref, method, params: given }, { jobId }, (progress) => {
          if (live() && running()?.phase === 'merging') setJob({ status: 'running', phase: 'merging', progress, jobId });
        });
        if (!live()) return void api.closeMerge(merged.id).catch(() => undefined);
        const label = runLabel(merged.method, merged.params) + (limit ? ` · sample of ${limit} images` : '');
        run = { key: `run${nextRun++}`, merged, label, limit: limit ?? null, report: { status: 'idle' } };
        set((s) => ({ merge: { ...s.merge, runs: [...s.merge.runs, run!] } }));
        if (merged.suiteId === null) return setJob({ status: 'idle' });
        await evaluate(run, jobId, live);
      } catch (e) {
        if (live()) setJob(failed(e));
      }
    },

    async evaluateRun(key, full = false) {
      let run = get().merge.runs.find((r) => r.key === key);
      if (running() || !run || run.merged.suiteId === null) return;
      if (full && run.limit !== null) {
        run = { ...run, limit: null, label: runLabel(run.merged.method, run.merged.params) };
        patchRun(key, { limit: null, label: run.label });
      }
      const { jobId, live } = startJob('evaluating');
      await evaluate(run, jobId, live);
    },

    async cancelMerge() {
      const job = running();
      if (job) await ctx.engine.api().then((api) => api.cancel(job.jobId)).catch(() => undefined);
    },

    async removeRun(key) {
      const run = get().merge.runs.find((r) => r.key === key);
      if (!run) return;
      set((s) => ({ merge: { ...s.merge, runs: s.merge.runs.filter((r) => r.key !== key) } }));
      await ctx.engine.api().then((api) => api.closeMerge(run.merged.id)).catch(() => undefined);
    },

    async mergeFiles(key) {
      const run = get().merge.runs.find((r) => r.key === key);
      if (!run) throw new Error(`no merge run ${key}`);
      return (await ctx.engine.api()).mergeFiles(run.merged.id);
    },

    async retrievedFiles(key, task, onProgress) {
      const run = get().merge.runs.find((r) => r.key === key);
      if (!run) throw new Error(`no merge run ${key}`);
      const api = await ctx.engine.api();
      return api.retrievedFiles(run.merged.id, task, {}, (p) => onProgress?.(p.done, p.total));
    },

    async resetLab() {
      const job = running();
      const { runs } = get().merge;
      const analyticsJob = get().analytics.jobId;
      const trainJob = get().train.job;
      const trainRuns = get().train.runs;
      set((s) => ({
        merge: { ...s.merge, job: { status: 'idle' }, runs: [] },
        train: { ...s.train, job: { status: 'idle' }, runs: [] },
        sweep: { ...IDLE_SWEEP, lambda: s.sweep.lambda },
        analytics: { task: { status: 'idle' }, jobId: null },
        subset: { tasks: null },
      }));
      try {
        const api = await ctx.engine.api();
        if (job) await api.cancel(job.jobId);
        if (analyticsJob) await api.cancel(analyticsJob);
        if (trainJob.status === 'running') await api.cancel(trainJob.jobId);
        await Promise.all(runs.map((r) => api.closeMerge(r.merged.id)));
        await Promise.all(trainRuns.map((r) => api.closeTrained(r.result.trainedId)));
      } catch { /* the engine is restarting: it holds nothing any more */ }
    },
  };
};
