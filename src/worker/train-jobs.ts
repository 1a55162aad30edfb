/**
 * The worker's training jobs (issue 5 item 9): runExperiment (engine/trained/experiment.ts) on a
 * loaded suite — a base merge (any merge id, or AdaMerging) plus an optional correction — driven
 * step by step by the shared TrainingLoop, with plain-data updates (step, loss, steps/s, ETA, and
 * per-task accuracy every N steps), pause/resume, stop early (the schedule ends, what was learnt is
 * scored) and cancel (the job's signal: it rejects with "cancelled" after the current step and
 * runExperiment disposes everything). The result is an EvalReport like a merge run's, on the same
 * cached references, so it sits in the same accuracy table. The run reuses the suite's
 * SuiteEvaluator (pretrained and individual features computed once per suite and image limit,
 * shared with merges and evaluation) and keeps its artefacts in the TrainedStore (trained.ts)
 * under TrainResult.trainedId: trainedModules(id) downloads its trained tensors, closeTrained(id)
 * forgets them.
 */
import { runExperiment } from '../engine/trained/experiment';
import { CancelledError, MergelabError } from '../engine/errors';
import { buildReport } from '../engine/eval/evaluate';
import type { TrainingLoop } from '../engine/train/loop';
import type { EngineApi, TrainUpdate } from './api';
import type { JobSignal, Jobs } from './jobs';
import type { SuiteStore } from './suites';
import { KEPT_HIDDEN_IMAGES, type TrainedStore } from './trained-store';

type TrainMethods = Pick<EngineApi, 'train' | 'pauseTraining' | 'resumeTraining' | 'stopTraining' | 'trainedModules' | 'closeTrained'>;

interface Control {
  loop: TrainingLoop | null;
  paused: boolean;
  stopped: boolean;
}

const POLL_MS = 50;

export function createTrainingMethods({ jobs, suites, trained }: { jobs: Jobs; suites: SuiteStore; trained: TrainedStore }): TrainMethods {
  const controls = new Map<string, Control>();
  const control = (jobId: string): Control | undefined => controls.get(jobId);

  /** Waits while paused; throws once the job is cancelled. */
  const whilePaused = async (c: Control, signal: JobSignal) => {
    while (c.paused && !c.stopped) {
      if (signal.aborted) throw new CancelledError('training');
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };

  return {
    async train(spec, opts = {}, onUpdate?: (u: TrainUpdate) => void) {
      const { suite, evaluator, problems } = suites.get(spec.suiteId);
      if (problems.size) {
        throw new MergelabError('data', `The test data of ${[...problems.keys()].join(', ')} cannot be read, so the suite cannot train.`, 'Fix or replace those files and load the suite again.');
      }
      const c: Control = { loop: null, paused: false, stopped: false };
      const key = opts.jobId;
      if (key !== undefined) controls.set(key, c);
      try {
        return await jobs.run(key, async (signal) => {
          const check = () => { if (signal.aborted) throw new CancelledError('training'); };
          check();
          const limit = spec.limit ?? null;
          const r = await runExperiment(suite, {
            suite: spec.suiteId, merge: spec.merge, correction: spec.correction ?? null,
            seed: spec.seed ?? 0, limit, preset: spec.preset ?? 'quick',
          }, {
            evalEvery: spec.evalEvery ?? 0,
            evaluator,
            keep: { hiddenImages: KEPT_HIDDEN_IMAGES },
            onLoop: (_, loop) => {
              check();
              c.loop = loop;
              if (c.stopped) loop.stop();
              else if (c.paused) loop.pause();
            },
            onProgress: (stage, p) => {
              check();
              onUpdate?.({ kind: 'progress', stage, step: p.step, totalSteps: p.totalSteps, loss: p.loss, smoothedLoss: p.smoothedLoss, stepsPerSecond: p.stepsPerSecond, etaSeconds: p.etaSeconds });
            },
            onEval: (stage, step, tasks) => onUpdate?.({ kind: 'eval', stage, step, tasks }),
            onNote: (note) => onUpdate?.({ kind: 'note', note }),
            whenPaused: async () => {
              onUpdate?.({ kind: 'paused' });
              await whilePaused(c, signal);
              onUpdate?.({ kind: 'resumed' });
            },
          });
          check();
          const refs = await evaluator.references({ limit: limit ?? undefined, signal });
          const accuracy = Object.fromEntries(Object.entries(r.tasks).map(([t, s]) => [t, s.accuracy]));
          const stage = (s: typeof r.merge) => ({ method: s.method, params: s.params, steps: s.steps, trainSeconds: s.trainSeconds });
          const kept = r.kept!;
          const trainedId = trained.add({ suiteId: spec.suiteId, limit, tasks: [...kept.features.keys()], features: kept.features, hidden: kept.hidden, modules: kept.modules });
          return {
            report: buildReport(suite, refs, accuracy), extraParams: r.extraParams, seconds: r.seconds,
            merge: stage(r.merge), correction: r.correction ? stage(r.correction) : null, stoppedEarly: c.stopped, trainedId, peakBytes: signal.peakBytes,
            ...(r.coefficients ? { coefficients: r.coefficients } : {}),
          };
        });
      } finally {
        if (key !== undefined) controls.delete(key);
      }
    },

    async trainedModules(trainedId) {
      return new Blob([trained.get(trainedId).modules as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
    },

    async closeTrained(trainedId) {
      trained.close(trainedId);
    },

    async pauseTraining(jobId) {
      const c = control(jobId);
      if (!c || c.stopped) return;
      c.paused = true;
      c.loop?.pause();
    },

    async resumeTraining(jobId) {
      const c = control(jobId);
      if (c) c.paused = false;
    },

    async stopTraining(jobId) {
      const c = control(jobId);
      if (!c) return;
      c.stopped = true;
      c.paused = false;
      c.loop?.stop();
    },
  };
}
