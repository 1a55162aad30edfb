/**
 * Train slice: the base merge (a closed-form merge or a trained base such as AdaMerging) and the optional
 * correction with their parameters (resolved from the trained registry's schema and the preset,
 * quick by default in the page), the image cap and the evaluation interval; one training job at a
 * time in the worker with its live loss points and per-task evaluations, pause/resume, stop early
 * and cancel; and the finished runs, as EvalReports for the accuracy table. Each run's
 * artefacts stay in the engine under result.trainedId (its trained tensors download with
 * trainedModules); removing the run, or resetting the lab, closes them. AdaMerging can also
 * run with given coefficients (exported by the lab or published, picked or pasted): they are
 * checked against the suite before anything runs, and the text stays as given when they do not fit.
 */
import { type CoefficientsJson, parseCoefficientsText } from '../../engine/trained/coefficients-json';
import { TRAINED_BASES, type Preset, getTrainedMethod, resolveBaseParams, resolveTrainedParams, trainedBase } from '../../engine/catalogue';
import { MergelabError } from '../../engine/errors';
import { type LossSeries, addLoss, emptyLossSeries } from '../../engine/train/loss-series';
import { canonicalParams } from '../../engine/model/clip-vit/names';
import { asErrorInfo, type ErrorInfo, type OpenedSuite, type ParamValue, type TrainRequest, type TrainResult, type TrainUpdate } from '../../worker/api';
import { runLabel } from '../pool-selectors';
import type { SliceCreator } from './lab-state';

export type { Preset };

/** One finished training run, scored on `limit` images per task of suite `suiteId`. */
export interface TrainRun {
  key: string;
  suiteId: string;
  label: string;
  /** Label of its base merge as the merge panel writes it (the table puts the run beside it). */
  baseLabel: string;
  limit: number | null;
  result: TrainResult;
  /** Its loss curve (the running job's, kept; bounded: lossPoints draws it). */
  losses: LossSeries;
}

export interface TrainLive {
  stage: 'merge' | 'correction';
  step: number;
  totalSteps: number;
  loss: number | null;
  stepsPerSecond: number;
  etaSeconds: number | null;
}

export type TrainJob =
  | { status: 'idle' }
  | {
      status: 'running'; jobId: string; paused: boolean; live: TrainLive | null;
      /** Loss of the steps so far, numbered across both stages, as a bounded series (engine/train/loss-series.ts). */
      losses: LossSeries;
      evals: { stage: 'merge' | 'correction'; step: number; tasks: Record<string, number> }[];
      notes: string[];
    }
  | { status: 'cancelled' }
  | { status: 'error'; error: ErrorInfo };

export interface TrainSlice {
  train: {
    /** A base merge: a closed-form merge id or a trained base's (catalogue TRAINED_BASES). */
    base: string;
    baseGiven: Record<string, ParamValue>;
    /** A correction id, or null for the base alone. */
    correction: string | null;
    given: Record<string, ParamValue>;
    preset: Preset;
    /** Images per task it trains on and scores (null: all). */
    limit: number | null;
    /** Per-task accuracy every N steps (0: never). */
    evalEvery: number;
    job: TrainJob;
    runs: TrainRun[];
    /** Coefficients AdaMerging uses instead of training (picked or pasted): the text as given and what it read as, or why not. */
    coefficients: { source: string; text: string; json: CoefficientsJson | null; error: ErrorInfo | null } | null;
  };
  setTrainBase(id: string): void;
  setTrainBaseParam(name: string, v: ParamValue): void;
  setCorrection(id: string | null): void;
  setCorrectionParam(name: string, v: ParamValue): void;
  setPreset(p: Preset): void;
  setTrainLimit(n: number | null): void;
  setEvalEvery(n: number): void;
  startTraining(): Promise<void>;
  pauseTraining(): Promise<void>;
  resumeTraining(): Promise<void>;
  stopTraining(): Promise<void>;
  cancelTraining(): Promise<void>;
  /** The run's trained tensors as one safetensors file (engine/trained/modules.ts). */
  trainedModules(key: string): Promise<Blob>;
  /** Forgets a finished run here and its kept artefacts in the engine. */
  removeTrainRun(key: string): Promise<void>;
  /** Reads coefficients for the loaded suite; when they fit, the base becomes AdaMerging of their granularity (runs without training). */
  setCoefficientsText(text: string, source: string): void;
  clearCoefficients(): void;
}

/** Coefficients text read for a suite's tasks and its checkpoint's tensors (throws the typed error when they do not fit). */
export function suiteCoefficients(text: string, info: OpenedSuite | null): CoefficientsJson {
  if (!info) throw new MergelabError('usage', 'There is no suite to check the coefficients against.', 'Load a suite (or Load demo) first.');
  return parseCoefficientsText(text, info.tasks.map((t) => t.name), canonicalParams(info.pretrained.summary.config).map((p) => p.name));
}

/** The base's and the correction's full parameters (throws a usage error for a bad value). */
export function trainParams(t: TrainSlice['train']) {
  const base = resolveBaseParams(t.base, t.baseGiven, t.preset);
  const correction = t.correction ? resolveTrainedParams(t.correction, t.given, t.preset) : null;
  return { base, correction };
}

const baseLabelOf = (id: string, params: Record<string, ParamValue>, loaded = false) => {
  const trained = trainedBase(id);
  return trained?.runLabel ? trained.runLabel(params, loaded) : runLabel(id, params);
};

/** Whether a base merge can run with given coefficients instead of training them. */
export const importsCoefficients = (id: string) => !!trainedBase(id)?.importsCoefficients;
/** The base merge that given coefficients select. */
const COEFFICIENTS_BASE = TRAINED_BASES.find((m) => m.importsCoefficients)!.id;

export const createTrainSlice: SliceCreator<TrainSlice> = (set, get, ctx) => {
  let nextJob = 1;
  let nextRun = 1;
  const patch = (p: Partial<TrainSlice['train']>) => set((s) => ({ train: { ...s.train, ...p } }));
  const setJob = (job: TrainJob) => patch({ job });
  const running = () => { const j = get().train.job; return j.status === 'running' ? j : null; };
  const tell = async (call: 'pauseTraining' | 'resumeTraining' | 'stopTraining' | 'cancel') => {
    const job = running();
    if (job) await ctx.engine.api().then((api) => api[call](job.jobId)).catch(() => undefined);
  };

  return {
    train: { base: 'task_arithmetic', baseGiven: {}, correction: 'surgery', given: {}, preset: 'quick', limit: 100, evalEvery: 100, job: { status: 'idle' }, runs: [], coefficients: null },

    setTrainBase: (base) => patch({ base, baseGiven: {} }),
    setTrainBaseParam: (name, v) => patch({ baseGiven: { ...get().train.baseGiven, [name]: v } }),
    setCorrection: (correction) => patch({ correction, given: {} }),
    setCorrectionParam: (name, v) => patch({ given: { ...get().train.given, [name]: v } }),
    setPreset: (preset) => patch({ preset }),
    setTrainLimit: (limit) => patch({ limit }),
    setEvalEvery: (evalEvery) => patch({ evalEvery }),

    async startTraining() {
      if (running()) return;
      const state = get();
      const suiteId = state.suite.info?.id;
      if (!suiteId) return setJob({ status: 'error', error: { name: 'Error', code: 'usage', message: 'There is no suite to train on.', hint: 'Load a suite (or Load demo) first: training uses its test images.' } });
      const t = state.train;
      let params;
      let coefficients: CoefficientsJson | undefined;
      try {
        params = trainParams(t);
        if (importsCoefficients(t.base) && t.coefficients) {
          coefficients = suiteCoefficients(t.coefficients.text, state.suite.info);
          params.base = { ...params.base, granularity: coefficients.granularity, plus: coefficients.plus };
        }
      } catch (e) { return setJob({ status: 'error', error: asErrorInfo(e) }); }
      const jobId = `train-job-${nextJob++}`;
      const generation = ctx.engine.generation;
      const live = () => generation === ctx.engine.generation && running()?.jobId === jobId;
      setJob({ status: 'running', jobId, paused: false, live: null, losses: emptyLossSeries(), evals: [], notes: [] });
      const update = (fn: (j: Extract<TrainJob, { status: 'running' }>) => Partial<Extract<TrainJob, { status: 'running' }>>) => {
        const j = running();
        if (j && live()) setJob({ ...j, ...fn(j) });
      };
      let offset = 0; // steps of the stages before this one
      let lastStage: 'merge' | 'correction' | null = null;
      const onUpdate = (u: TrainUpdate) => update((j) => {
        if (u.kind === 'progress') {
          if (lastStage && lastStage !== u.stage) offset = j.losses.last?.step ?? 0;
          lastStage = u.stage;
          const { kind: _, ...liveNow } = u;
          return { live: liveNow, losses: u.loss === null ? j.losses : addLoss(j.losses, { step: offset + u.step, loss: u.loss }) };
        }
        if (u.kind === 'eval') return { evals: [...j.evals, { stage: u.stage, step: u.step, tasks: u.tasks }] };
        if (u.kind === 'note') return { notes: [...j.notes, u.note] };
        return { paused: u.kind === 'paused' };
      });
      const request: TrainRequest = {
        suite: suiteId, merge: { method: t.base, params: params.base, ...(coefficients ? { coefficients } : {}) }, correction: t.correction ? { method: t.correction, params: params.correction! } : null,
        preset: t.preset, limit: t.limit,
      };
      try {
        const api = await ctx.engine.api();
        const result = await api.train(request, { jobId, evalEvery: t.evalEvery }, onUpdate);
        if (!live()) return;
        const baseLabel = baseLabelOf(t.base, result.merge.params, !!coefficients);
        const corr = result.correction ? ` + ${getTrainedMethod(result.correction.method).label} · ${result.correction.steps} steps${result.stoppedEarly ? ' (stopped early)' : ''}` : '';
        const label = `${baseLabel}${corr}${t.limit ? ` · sample of ${t.limit} images` : ''}`;
        const run: TrainRun = { key: `train${nextRun++}`, suiteId, label, baseLabel, limit: t.limit, result, losses: running()?.losses ?? emptyLossSeries() };
        set((s) => ({ train: { ...s.train, job: { status: 'idle' }, runs: [...s.train.runs, run] } }));
      } catch (e) {
        if (!live()) return;
        const error = asErrorInfo(e);
        setJob(error.code === 'cancelled' ? { status: 'cancelled' } : { status: 'error', error });
      }
    },

    pauseTraining: () => tell('pauseTraining'),
    resumeTraining: () => tell('resumeTraining'),
    stopTraining: () => tell('stopTraining'),
    cancelTraining: () => tell('cancel'),

    async trainedModules(key) {
      const run = get().train.runs.find((r) => r.key === key);
      if (!run) throw new Error(`no training run ${key}`);
      return (await ctx.engine.api()).trainedModules(run.result.trainedId);
    },

    setCoefficientsText(text, source) {
      try {
        const json = suiteCoefficients(text, get().suite.info);
        const t = get().train;
        patch({ coefficients: { source, text, json, error: null }, base: COEFFICIENTS_BASE, baseGiven: { ...(t.base === COEFFICIENTS_BASE ? t.baseGiven : {}), granularity: json.granularity, plus: json.plus } });
      } catch (e) {
        patch({ coefficients: { source, text, json: null, error: asErrorInfo(e) } });
      }
    },

    clearCoefficients: () => patch({ coefficients: null }),

    async removeTrainRun(key) {
      const run = get().train.runs.find((r) => r.key === key);
      if (!run) return;
      patch({ runs: get().train.runs.filter((r) => r.key !== key) });
      await ctx.engine.api().then((api) => api.closeTrained(run.result.trainedId)).catch(() => undefined);
    },
  };
};
