/**
 * The worker's training jobs: runExperiment (engine/trained/experiment.ts) on a loaded suite with
 * the page's TrainRequest as it came (suite = the suite's id; validated once, in the engine), with
 * plain-data updates (step, loss, steps/s, ETA, and per-task accuracy every N steps). Pause,
 * resume, stop early (the schedule ends, what was learnt is scored) and cancel (rejects with
 * "cancelled" after the current step; runExperiment disposes everything) go to the job's
 * RunControl (engine/trained/control.ts), the one place that handles them. The result is an
 * EvalReport like a merge run's, on the same cached references, so it sits in the same accuracy
 * table. The run reuses the suite's SuiteEvaluator (pretrained and individual features computed
 * once per suite and image limit, shared with merges and evaluation) and keeps its artefacts in
 * the TrainedStore (trained-store.ts) under TrainResult.trainedId: trainedModules(id) downloads
 * its trained tensors, closeTrained(id) forgets them.
 */
import { RunControl } from '../engine/trained/control';
import { runExperiment } from '../engine/trained/experiment';
import { MergelabError } from '../engine/errors';
import { buildReport } from '../engine/eval/evaluate';
import type { EngineApi, TrainUpdate } from './api';
import type { Jobs } from './jobs';
import type { SuiteStore } from './suites';
import { KEPT_HIDDEN_IMAGES, type TrainedStore } from './trained-store';

type TrainMethods = Pick<EngineApi, 'train' | 'pauseTraining' | 'resumeTraining' | 'stopTraining' | 'trainedModules' | 'closeTrained'> & {
  /** Cancels a training job's run (the engine's cancel(jobId) calls it beside the job signal); a no-op for other jobs. */
  cancelTraining(jobId: string): void;
};

export function createTrainingMethods({ jobs, suites, trained }: { jobs: Jobs; suites: SuiteStore; trained: TrainedStore }): TrainMethods {
  const controls = new Map<string, RunControl>();

  return {
    async train(request, opts = {}, onUpdate?: (u: TrainUpdate) => void) {
      // An image limit N trains and scores on the suite's class-stratified sample of N per task.
      const { suite, evaluator, problems } = request.limit == null ? suites.get(request.suite) : suites.sampled(request.suite, request.limit);
      if (problems.size) {
        throw new MergelabError('data', `The test data of ${[...problems.keys()].join(', ')} cannot be read, so the suite cannot train.`, 'Fix or replace those files and load the suite again.');
      }
      const control = new RunControl({ onPaused: () => onUpdate?.({ kind: 'paused' }), onResumed: () => onUpdate?.({ kind: 'resumed' }) });
      const key = opts.jobId;
      if (key !== undefined) controls.set(key, control);
      try {
        return await jobs.run(key, async (signal) => {
          if (signal.aborted) control.cancel(); // cancelled before it started
          control.check();
          const r = await runExperiment(suite, request, {
            evalEvery: opts.evalEvery ?? 0,
            evaluator,
            control,
            keep: { hiddenImages: KEPT_HIDDEN_IMAGES },
            onProgress: (stage, p) => {
              onUpdate?.({ kind: 'progress', stage, step: p.step, totalSteps: p.totalSteps, loss: p.loss, smoothedLoss: p.smoothedLoss, stepsPerSecond: p.stepsPerSecond, etaSeconds: p.etaSeconds });
            },
            onEval: (stage, step, tasks) => onUpdate?.({ kind: 'eval', stage, step, tasks }),
            onNote: (note) => onUpdate?.({ kind: 'note', note }),
          });
          control.check();
          const limit = request.limit ?? null;
          const refs = await evaluator.references({ limit: limit ?? undefined, signal });
          const accuracy = Object.fromEntries(Object.entries(r.tasks).map(([t, s]) => [t, s.accuracy]));
          const stage = (s: typeof r.merge) => ({ method: s.method, params: s.params, steps: s.steps, trainSeconds: s.trainSeconds });
          const kept = r.kept!;
          const trainedId = trained.add({ suiteId: request.suite, limit, tasks: [...kept.features.keys()], features: kept.features, hidden: kept.hidden, modules: kept.modules });
          return {
            report: buildReport(suite, refs, accuracy), extraParams: r.extraParams, seconds: r.seconds,
            merge: stage(r.merge), correction: r.correction ? stage(r.correction) : null, stoppedEarly: control.stoppedEarly, trainedId, peakBytes: signal.peakBytes,
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
      controls.get(jobId)?.pause();
    },

    async resumeTraining(jobId) {
      controls.get(jobId)?.resume();
    },

    async stopTraining(jobId) {
      controls.get(jobId)?.stop();
    },

    cancelTraining(jobId) {
      controls.get(jobId)?.cancel();
    },
  };
}
