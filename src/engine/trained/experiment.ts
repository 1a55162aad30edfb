/**
 * A training run end to end (TrainRequest, request.ts): a suite, a base merge (a closed-form
 * method, or a trained base such as AdaMerging), an optional trained correction, a seed and an
 * image limit, trained and scored: per-task accuracy and normalised accuracy, averages, the extra
 * trainable parameters and the seconds it took. Used unchanged by the CLI (`mergelab run`), the
 * results script and the worker. Every trained method builds itself from one BuildContext
 * (types.ts) through its implementation (registry.ts); pause, stop and cancel come through a
 * RunControl (control.ts). Everything trains on the unlabeled test images (transductive); the
 * references' features (individual z) are cached by the SuiteEvaluator and reused as teachers.
 * A caller may pass its own SuiteEvaluator (the worker's, one per suite) so pretrained and
 * individual features are computed once and shared by merges, training and evaluation; with
 * `keep` the result also carries the run's artefacts (ExperimentResult.kept): the final model's
 * features, predictions and representations from the scoring pass, and its trained tensors as a
 * safetensors file (modules.ts).
 */
import { extraParamCount, trainedBase } from '../catalogue';
import type { Suite } from '../data/suite';
import { MergelabError } from '../errors';
import { top1Accuracy } from '../eval/accuracy';
import { type ModelInput, SuiteEvaluator } from '../eval/evaluate';
import type { Representations } from '../eval/bias';
import type { Features } from '../eval/features';
import { mergeToParamMap } from '../merge/in-memory';
import type { ParamValue } from '../merge/types';
import { disposeParams } from '../params/param-map';
import { createRng } from '../random';
import { PixelBank } from '../train/data';
import { type LoopOptions, type TrainProgress, TrainingLoop } from '../train/loop';
import type { CoefficientsJson } from './coefficients-json';
import { RunControl } from './control';
import { predictFrozen } from './losses';
import { trainedModulesFile } from './modules';
import { trainedImplementation } from './registry';
import { type ResolvedSpec, resolveTrainRequest } from './request';
import type { BaseMerge, BuildContext, FinalOutputs, NamedTensor, TrainedModel } from './types';

export interface TaskScore {
  accuracy: number;
  normalized: number | null;
}

export interface StageReport {
  method: string;
  params: Record<string, ParamValue>;
  steps: number;
  trainSeconds: number;
  finalLoss: number | null;
}

export interface ExperimentResult {
  tasks: Record<string, TaskScore>;
  average: number;
  normalizedAverage: number | null;
  extraParams: number;
  seconds: number;
  /** What ran, with resolved parameters, and the training figures of each trained stage. */
  merge: StageReport;
  correction: StageReport | null;
  /** AdaMerging's learned coefficients (coefficients.ts JSON), when the base was AdaMerging. */
  coefficients?: CoefficientsJson;
  /** With RunExperimentOptions.keep: the final model's artefacts. */
  kept?: KeptArtefacts;
}

/** A finished run's artefacts, from its final scoring pass. */
export interface KeptArtefacts {
  /** Per task: its n images' final features z [n, P] (not normalised) and top-1 predictions [n]. */
  features: Map<string, { n: number; z: Float32Array; predictions: Int32Array }>;
  /** Per task: the first min(n, hiddenImages) images' CLS after every block and z. */
  hidden: Map<string, Representations>;
  /** The trained tensors and the run's description, as safetensors bytes (modules.ts). */
  modules: Uint8Array;
}

export interface RunExperimentOptions {
  /** Progress of the training stage running now. */
  onProgress?: (stage: 'merge' | 'correction', p: TrainProgress) => void;
  /** Scores the model being trained every N steps (0 = never). */
  evalEvery?: number;
  onEval?: (stage: 'merge' | 'correction', step: number, tasks: Record<string, number>) => void;
  /** Pause, resume, stop early and cancel of the run (control.ts). */
  control?: RunControl;
  /** Notes for the user (e.g. a base merge Tinting does not use). */
  onNote?: (note: string) => void;
  /** References and features through this evaluator (not disposed here) instead of a fresh one. */
  evaluator?: SuiteEvaluator;
  /** Return the run's artefacts (result.kept), with the representations of the first hiddenImages images of each task. */
  keep?: { hiddenImages: number };
}

export async function runExperiment(suite: Suite, request: unknown, opts: RunExperimentOptions = {}): Promise<ExperimentResult> {
  const t0 = performance.now();
  const x = resolveTrainRequest(request);
  const names = suite.manifest.tasks.map((t) => t.name);
  const config = suite.pretrained.config;
  const scale = suite.manifest.logitScale;
  const rng = createRng(x.seed);
  const limit = x.limit ?? undefined;
  const ev = opts.evaluator ?? new SuiteEvaluator(suite);
  const control = opts.control ?? new RunControl();
  const H = opts.keep?.hiddenImages ?? 0;
  const owned: { dispose(): void }[] = [];
  try {
    const refs = await ev.references({ limit });
    const images = await Promise.all(names.map((t) => suite.images(t)));
    const labels = images.map((im) => im.labels.slice(0, Math.min(limit ?? im.count, im.count)));
    let banks: PixelBank[] | null = null;
    let inds: Promise<Features[]> | null = null;
    const heads = names.map((n) => suite.heads.get(n)!);
    // A frozen model's features for training: with the hidden states when they are to be kept for every image anyway (one pass).
    const frozenFeatures = (model: ModelInput, t: number) => ev.features(model, names[t], { limit, hiddenStates: H >= labels[t].length });
    const frozenHidden = (model: ModelInput, t: number) => ev.features(model, names[t], { limit: Math.min(labels[t].length, H), hiddenStates: true });
    const context = (base: BaseMerge | null): BuildContext => ({
      suite, names, config, heads, logitScale: scale, rng: rng.fork(), hiddenImages: H, base, frozenFeatures, frozenHidden,
      pixelBanks: async () => (banks ??= await Promise.all(images.map((im) => PixelBank.load(im, config.imageSize, limit, suite.preprocessing ?? undefined)))),
      individual: () => (inds ??= Promise.all(names.map((n) => ev.checkpointFeatures(suite.experts.get(n)!, n, { limit })))),
      note: (text) => opts.onNote?.(text),
    });
    const taskShapes = heads.map((h) => ({ name: h.task, numClasses: h.numClasses }));
    const scoreModel = async (m: TrainedModel) => Object.fromEntries(await Promise.all(names.map(async (n, t) => [n, 100 * top1Accuracy(await m.predict(n), labels[t])] as const)));
    const train = async (stage: 'merge' | 'correction', m: TrainedModel, spec: ResolvedSpec): Promise<StageReport> => {
      const loopOpts: LoopOptions = {
        onProgress: (p) => opts.onProgress?.(stage, p),
        evalEvery: opts.onEval ? opts.evalEvery ?? 0 : 0,
        onEval: async (step) => opts.onEval?.(stage, step, await scoreModel(m)),
      };
      const p: TrainProgress = await control.run(new TrainingLoop(m, loopOpts));
      return { method: spec.method, params: spec.params, steps: p.step, trainSeconds: p.trainSeconds, finalLoss: p.smoothedLoss };
    };
    const untrained = (spec: ResolvedSpec): StageReport => ({ method: spec.method, params: spec.params, steps: 0, trainSeconds: 0, finalLoss: null });

    // The base merge: a trained base (its coefficients trained here, or given), or a closed form.
    let base: BaseMerge;
    let baseModel: TrainedModel | null = null;
    let mergeReport: StageReport;
    if (trainedBase(x.merge.method)) {
      baseModel = await trainedImplementation(x.merge.method).build(context(null), x.merge.params);
      owned.push(baseModel);
      const coefficients = baseModel.coefficients;
      if (!coefficients) throw new MergelabError('engine', `${x.merge.method}: a trained base merge must expose its merge coefficients.`, 'Return them as TrainedModel.coefficients.');
      if (x.merge.coefficients !== undefined) {
        coefficients.load(x.merge.coefficients);
        mergeReport = untrained(x.merge);
      } else {
        mergeReport = await train('merge', baseModel, x.merge);
      }
      const weights = coefficients.mergedMap();
      base = { method: x.merge.method, params: x.merge.params, weights, coefficients, key: JSON.stringify([x.merge.method, x.merge.params, x.seed, x.limit, (await coefficients.json()).lambda]) };
    } else {
      const m = await mergeToParamMap({ pretrained: suite.pretrained, experts: [...suite.experts.values()], method: x.merge.method, params: x.merge.params });
      m.notes.forEach((n) => opts.onNote?.(n));
      base = { method: m.method, params: m.params, weights: m.weights, coefficients: null, key: JSON.stringify([m.method, m.params]) };
      mergeReport = untrained({ method: m.method, params: m.params });
    }
    const weights = base.weights;
    owned.push({ dispose: () => disposeParams(weights) });

    // The correction on top.
    let correctionModel: TrainedModel | null = null;
    let correctionReport: StageReport | null = null;
    const c = x.correction;
    if (c) {
      correctionModel = await trainedImplementation(c.method).build(context(base), c.params);
      owned.push(correctionModel);
      correctionReport = await train('correction', correctionModel, c);
    }
    const finalModel = correctionModel ?? baseModel;
    const correctionCoefficients = correctionModel?.coefficients ?? null;

    // The scoring pass, which also gives the kept features and representations.
    const outs: FinalOutputs[] = [];
    for (const [t, n] of names.entries()) {
      if (finalModel) { outs.push(await finalModel.outputs(n, H)); continue; }
      const f = await frozenFeatures({ key: base.key, params: weights }, t);
      const h = H > 0 ? await frozenHidden({ key: base.key, params: weights }, t) : null;
      outs.push({ n: f.n, dim: f.dim, z: f.z, predictions: predictFrozen(f.z, f.n, heads[t], scale), hidden: h && { n: h.n, dim: h.dim, z: h.z, cls: h.cls } });
    }
    const liveTensors = (correctionCoefficients ?? base.coefficients)?.liveTensors;
    const extraParams = extraParamCount({ method: x.merge.method, params: x.merge.params }, c ? { method: c.method, params: c.params } : null, config, taskShapes, liveTensors);
    const acc = Object.fromEntries(names.map((n, t) => [n, 100 * top1Accuracy(outs[t].predictions, labels[t])]));
    const tasks: Record<string, TaskScore> = {};
    for (const n of names) {
      const ind = refs.individual[n];
      tasks[n] = { accuracy: acc[n], normalized: ind > 0 ? (100 * acc[n]) / ind : null };
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const norms = Object.values(tasks).map((s) => s.normalized).filter((v): v is number => v !== null);
    let kept: KeptArtefacts | undefined;
    if (opts.keep) {
      // A correction training the base's own coefficients (IntervMerge's trainCoefficients) keeps them itself; a continued copy (Tinting) is kept beside the base's.
      const sharesCoefficients = !!base.coefficients && correctionCoefficients === base.coefficients;
      const tensors: NamedTensor[] = [...(baseModel && !sharesCoefficients ? await baseModel.modules() : []), ...(correctionModel ? await correctionModel.modules() : [])];
      const hasLambda = !!base.coefficients || !!correctionCoefficients;
      kept = {
        features: new Map(names.map((n, t) => [n, { n: outs[t].n, z: outs[t].z, predictions: outs[t].predictions }])),
        hidden: new Map(names.flatMap((n, t) => (outs[t].hidden ? [[n, outs[t].hidden!] as const] : []))),
        modules: await trainedModulesFile(tensors, {
          merge: { method: mergeReport.method, params: mergeReport.params }, correction: c ? { method: c.method, params: c.params } : null,
          seed: x.seed, suite: suite.manifest.name, tasks: names, ...(hasLambda ? { lambdaTensors: suite.pretrained.params.map((p) => p.name) } : {}),
        }),
      };
    }
    return {
      tasks, average: mean(Object.values(tasks).map((s) => s.accuracy)), normalizedAverage: norms.length ? mean(norms) : null,
      extraParams, seconds: (performance.now() - t0) / 1000, merge: mergeReport, correction: correctionReport,
      ...(base.coefficients ? { coefficients: await base.coefficients.json() } : {}),
      ...(kept ? { kept } : {}),
    };
  } finally {
    for (const o of owned.reverse()) o.dispose();
    if (!opts.evaluator) ev.dispose();
  }
}
