/**
 * Experiments as data (issue 5 item 9, DESIGN.md §11): a suite, a base merge (any closed-form
 * method, or AdaMerging), an optional trained correction, a seed and an image limit, run
 * end-to-end and scored: per-task accuracy and normalised accuracy, averages, the extra trainable
 * parameters and the seconds it took. Used unchanged by the CLI (`mergelab run`), the results
 * script and, later, the worker. Everything trains on the unlabeled test images (transductive);
 * the references' features (individual z) are cached by the SuiteEvaluator and reused as teachers.
 * A caller may pass its own SuiteEvaluator (the worker's, one per suite) so pretrained and
 * individual features are computed once and shared by merges, training and evaluation; with
 * `keep` the result also carries the run's artefacts (ExperimentResult.kept): the final model's
 * features, predictions and representations from the scoring pass, and its trained tensors as a
 * safetensors file (modules.ts).
 */
import type { Suite } from '../data/suite';
import { CancelledError, MergelabError } from '../errors';
import { top1Accuracy } from '../eval/accuracy';
import { type ModelInput, SuiteEvaluator } from '../eval/evaluate';
import type { Representations } from '../eval/bias';
import type { Features } from '../eval/features';
import { mergeToParamMap } from '../merge/in-memory';
import { resolveParams } from '../merge/params';
import { METHODS } from '../merge/registry';
import type { ParamValue } from '../merge/types';
import { headLogits } from '../model/heads';
import { type ParamMap, disposeParams } from '../params/param-map';
import { createRng } from '../random';
import { PixelBank } from '../train/data';
import { type LoopOptions, type TrainProgress, TrainingLoop } from '../train/loop';
import { AdaMergingModel } from './adamerging';
import { type CoefficientsJson, type Granularity, MergeCoefficients } from './coefficients';
import { IntervMergeModel } from './intervmerge';
import { predictFrozen } from './losses';
import { trainedModulesFile } from './modules';
import { type Preset, extraParamCount, resolveTrainedParams } from './registry';
import { SurgeryModel } from './surgery';
import { TintingModel } from './tinting';
import type { FinalOutputs, NamedTensor, TrainedModel, TrainedParams } from './types';

export interface MethodSpec {
  method: string;
  params?: Record<string, ParamValue>;
  /** AdaMerging only: coefficients to use as they are (exported by the lab, or published), instead of training. */
  coefficients?: unknown;
}

export interface Experiment {
  suite: string;
  merge: MethodSpec;
  correction?: MethodSpec | null;
  seed?: number;
  /** Images per task (the first N of each test split), or null for all. */
  limit?: number | null;
  /** Defaults of the trained methods: the papers' schedules, or the short teaching one. */
  preset?: Preset;
}

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

const usage = (problem: string, hint: string) => new MergelabError('usage', `experiment: ${problem}`, hint);
const MERGE_IDS = [...METHODS.map((m) => m.id), 'adamerging'];
const CORRECTION_IDS = ['surgery', 'intervmerge', 'tinting'];

/** Validates an experiment (parsed JSON) and resolves every parameter; throws a usage error naming the field. */
export function parseExperiment(json: unknown): Required<Omit<Experiment, 'correction'>> & { correction: MethodSpec | null } {
  const e = json as Partial<Experiment>;
  if (!e || typeof e !== 'object' || Array.isArray(e)) throw usage('it is not a JSON object.', 'Write {"suite": "<dir>", "merge": {"method": "<id>", "params": {…}}, "correction": {…}, "seed": 0, "limit": null}.');
  if (typeof e.suite !== 'string' || !e.suite) throw usage('"suite" must be the path of a suite folder.', 'e.g. "suite": "public/zoo/mini8".');
  const spec = (s: unknown, field: string, ids: string[]): MethodSpec => {
    const m = s as MethodSpec;
    if (!m || typeof m !== 'object' || typeof m.method !== 'string' || !ids.includes(m.method)) throw usage(`"${field}.method" must be one of ${ids.join(', ')}.`, `e.g. "${field}": {"method": "${ids[0]}", "params": {}}.`);
    if (m.params !== undefined && (typeof m.params !== 'object' || m.params === null || Array.isArray(m.params))) throw usage(`"${field}.params" must be an object of name: value.`, 'Leave it out for the defaults.');
    if (m.coefficients !== undefined && m.method !== 'adamerging') throw usage(`"${field}.coefficients" is only for adamerging.`, 'Remove it, or use "method": "adamerging".');
    return { method: m.method, params: { ...(m.params ?? {}) }, ...(m.coefficients !== undefined ? { coefficients: m.coefficients } : {}) };
  };
  const preset = e.preset ?? 'paper';
  if (preset !== 'paper' && preset !== 'quick') throw usage('"preset" must be "paper" or "quick".', 'paper: the papers\' schedules; quick: short ones for teaching.');
  const merge = spec(e.merge, 'merge', MERGE_IDS);
  const correction = e.correction == null ? null : spec(e.correction, 'correction', CORRECTION_IDS);
  merge.params = merge.method === 'adamerging' ? resolveTrainedParams('adamerging', merge.params, preset) : resolveParams(merge.method, merge.params);
  if (correction) correction.params = resolveTrainedParams(correction.method, correction.params, preset);
  const seed = e.seed ?? 0;
  if (!Number.isInteger(seed)) throw usage('"seed" must be an integer.', 'e.g. "seed": 0.');
  const limit = e.limit ?? null;
  if (limit !== null && !(Number.isInteger(limit) && limit >= 1)) throw usage('"limit" must be a positive integer or null.', 'null uses every test image of each task.');
  return { suite: e.suite, merge, correction, seed, limit, preset };
}

export interface RunExperimentOptions {
  /** Progress of the training stage running now. */
  onProgress?: (stage: 'merge' | 'correction', p: TrainProgress) => void;
  /** Scores the model being trained every N steps (0 = never). */
  evalEvery?: number;
  onEval?: (stage: 'merge' | 'correction', step: number, tasks: Record<string, number>) => void;
  /** Gets each loop as it starts (to pause or cancel it). */
  onLoop?: (stage: 'merge' | 'correction', loop: TrainingLoop) => void;
  /** Notes for the user (e.g. a base merge Tinting does not use). */
  onNote?: (note: string) => void;
  /** After a loop was paused (through onLoop): resolves to resume it. Without it a pause ends the stage early. */
  whenPaused?: (stage: 'merge' | 'correction') => Promise<void>;
  /** References and features through this evaluator (not disposed here) instead of a fresh one. */
  evaluator?: SuiteEvaluator;
  /** Return the run's artefacts (result.kept), with the representations of the first hiddenImages images of each task. */
  keep?: { hiddenImages: number };
}

export async function runExperiment(suite: Suite, experiment: unknown, opts: RunExperimentOptions = {}): Promise<ExperimentResult> {
  const t0 = performance.now();
  const x = parseExperiment(experiment);
  const names = suite.manifest.tasks.map((t) => t.name);
  const config = suite.pretrained.config;
  const scale = suite.manifest.logitScale;
  const rng = createRng(x.seed);
  const limit = x.limit ?? undefined;
  const ev = opts.evaluator ?? new SuiteEvaluator(suite);
  const H = opts.keep?.hiddenImages ?? 0;
  const owned: { dispose(): void }[] = [];
  try {
    const refs = await ev.references({ limit });
    const images = await Promise.all(names.map((t) => suite.images(t)));
    const labels = images.map((im) => im.labels.slice(0, Math.min(limit ?? im.count, im.count)));
    let banks: PixelBank[] | null = null;
    const pixelBanks = async () => (banks ??= await Promise.all(images.map((im) => PixelBank.load(im, config.imageSize, limit))));
    const individual = (t: number): Promise<Features> => ev.checkpointFeatures(suite.experts.get(names[t])!, names[t], { limit });
    const heads = names.map((n) => suite.heads.get(n)!);
    // A frozen model's features for training: with the hidden states when they are to be kept for every image anyway (one pass).
    const frozenFeatures = (model: ModelInput, t: number) => ev.features(model, names[t], { limit, hiddenStates: H >= labels[t].length });
    const frozenHidden = (model: ModelInput, t: number) => ev.features(model, names[t], { limit: Math.min(labels[t].length, H), hiddenStates: true });
    const taskShapes = heads.map((h) => ({ name: h.task, numClasses: h.numClasses }));
    const scoreModel = async (m: TrainedModel) => Object.fromEntries(await Promise.all(names.map(async (n, t) => [n, 100 * top1Accuracy(await m.predict(n), labels[t])] as const)));
    const train = async (stage: 'merge' | 'correction', m: TrainedModel, spec: MethodSpec): Promise<StageReport> => {
      const loopOpts: LoopOptions = {
        onProgress: (p) => opts.onProgress?.(stage, p),
        evalEvery: opts.onEval ? opts.evalEvery ?? 0 : 0,
        onEval: async (step) => opts.onEval?.(stage, step, await scoreModel(m)),
      };
      const loop = new TrainingLoop(m, loopOpts);
      opts.onLoop?.(stage, loop);
      let p = await loop.run();
      while (p.state === 'paused' && opts.whenPaused) {
        await opts.whenPaused(stage);
        p = await loop.run();
      }
      // Cancel keeps nothing (stop() is the way to end early and keep what was learnt).
      if (p.state === 'cancelled') throw new CancelledError('training');
      return { method: spec.method, params: spec.params!, steps: p.step, trainSeconds: p.trainSeconds, finalLoss: p.smoothedLoss };
    };

    // The base merge: closed form, or AdaMerging trained here.
    let weights: ParamMap;
    let baseKey: string;
    let ada: AdaMergingModel | null = null;
    let mergeReport: StageReport;
    const mp = x.merge.params as TrainedParams;
    if (x.merge.method === 'adamerging') {
      const coefficients = await MergeCoefficients.fromPool(suite.pretrained, [...suite.experts.values()], names, { granularity: mp.granularity as Granularity, plus: mp.plus ? { k: mp.k as number } : null });
      ada = new AdaMergingModel(coefficients, config, (await pixelBanks()).map((bank, t) => ({ name: names[t], head: heads[t], bank })), mp, scale, rng.fork());
      owned.push(ada);
      if (x.merge.coefficients !== undefined) {
        coefficients.load(x.merge.coefficients);
        mergeReport = { method: 'adamerging', params: mp, steps: 0, trainSeconds: 0, finalLoss: null };
      } else {
        mergeReport = await train('merge', ada, x.merge);
      }
      weights = coefficients.mergedMap();
      baseKey = JSON.stringify(['adamerging', mp, x.seed, x.limit, coefficients.toJSON().lambda]);
    } else {
      const m = await mergeToParamMap({ pretrained: suite.pretrained, experts: [...suite.experts.values()], method: x.merge.method, params: mp });
      m.notes.forEach((n) => opts.onNote?.(n));
      weights = m.weights;
      baseKey = JSON.stringify([m.method, m.params]);
      mergeReport = { method: m.method, params: m.params, steps: 0, trainSeconds: 0, finalLoss: null };
    }
    owned.push({ dispose: () => disposeParams(weights) });

    // The correction on top.
    let finalModel: TrainedModel | null = ada;
    let liveTensors = ada?.coefficients.liveTensors;
    let correctionReport: StageReport | null = null;
    const c = x.correction;
    if (c) {
      const cp = c.params as TrainedParams;
      const inds = await Promise.all(names.map((_, t) => individual(t)));
      let model: TrainedModel;
      if (c.method === 'surgery') {
        const base = { key: baseKey, params: weights };
        const merged = await Promise.all(names.map((_, t) => frozenFeatures(base, t)));
        const hidden = H > 0 ? await Promise.all(names.map((_, t) => frozenHidden(base, t))) : null;
        model = new SurgeryModel(names.map((n, t) => ({ name: n, head: heads[t], n: merged[t].n, merged: merged[t].z, individual: inds[t].z, baseHidden: hidden?.[t] })), cp, scale, rng.fork());
      } else if (c.method === 'intervmerge') {
        if (cp.trainCoefficients && !ada) opts.onNote?.(`intervmerge: trainCoefficients needs an AdaMerging base; the ${x.merge.method} merge stays frozen.`);
        const base = cp.trainCoefficients && ada ? { coefficients: ada.coefficients } : { weights };
        model = new IntervMergeModel(base, config, (await pixelBanks()).map((bank, t) => ({ name: names[t], head: heads[t], bank, teacher: inds[t].z })), cp, scale, rng.fork());
      } else {
        if (!ada && !(x.merge.method === 'task_arithmetic' && mp.lambda === 0.3)) opts.onNote?.(`tinting trains its own layer-wise coefficients from λ = 0.3 (Task Arithmetic's start); the ${x.merge.method} merge is not used.`);
        // With an AdaMerging base Tinting continues from its λ, layer-wise (a copy sharing θ0 and τ; AdaMerging's own λ stays the base's result).
        const coefficients = ada ? ada.coefficients.layerWise() : await MergeCoefficients.fromPool(suite.pretrained, [...suite.experts.values()], names, { granularity: 'layer' });
        liveTensors = coefficients.liveTensors;
        const tasks = (await pixelBanks()).map((bank, t) => ({ name: names[t], head: heads[t], bank, individualLogits: headLogits(inds[t].z, inds[t].n, heads[t], scale) }));
        model = new TintingModel(coefficients, config, tasks, cp, scale, rng.fork());
      }
      owned.push(model);
      correctionReport = await train('correction', model, c);
      finalModel = model;
    }

    // The scoring pass, which also gives the kept features and representations.
    const outs: FinalOutputs[] = [];
    for (const [t, n] of names.entries()) {
      if (finalModel) { outs.push(await finalModel.outputs(n, H)); continue; }
      const f = await frozenFeatures({ key: baseKey, params: weights }, t);
      const h = H > 0 ? await frozenHidden({ key: baseKey, params: weights }, t) : null;
      outs.push({ n: f.n, dim: f.dim, z: f.z, predictions: predictFrozen(f.z, f.n, heads[t], scale), hidden: h && { n: h.n, dim: h.dim, z: h.z, cls: h.cls } });
    }
    const extraParams = extraParamCount({ method: x.merge.method, params: mp }, c ? { method: c.method, params: c.params as TrainedParams } : null, config, taskShapes, liveTensors);
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
      // IntervMerge training AdaMerging's λ jointly keeps the one λ itself (Tinting trains a layer-wise copy: both are kept).
      const sharesLambda = !!ada && c?.method === 'intervmerge' && !!(c.params as TrainedParams).trainCoefficients;
      const tensors: NamedTensor[] = [...(ada && !sharesLambda ? ada.modules() : []), ...(c && finalModel ? finalModel.modules() : [])];
      const hasLambda = ada !== null || c?.method === 'tinting';
      kept = {
        features: new Map(names.map((n, t) => [n, { n: outs[t].n, z: outs[t].z, predictions: outs[t].predictions }])),
        hidden: new Map(names.flatMap((n, t) => (outs[t].hidden ? [[n, outs[t].hidden!] as const] : []))),
        modules: await trainedModulesFile(tensors, {
          merge: { method: mergeReport.method, params: mergeReport.params }, correction: c ? { method: c.method, params: c.params as TrainedParams } : null,
          seed: x.seed, suite: suite.manifest.name, tasks: names, ...(hasLambda ? { lambdaTensors: suite.pretrained.params.map((p) => p.name) } : {}),
        }),
      };
    }
    return {
      tasks, average: mean(Object.values(tasks).map((s) => s.accuracy)), normalizedAverage: norms.length ? mean(norms) : null,
      extraParams, seconds: (performance.now() - t0) / 1000, merge: mergeReport, correction: correctionReport,
      ...(ada ? { coefficients: ada.coefficients.toJSON() } : {}),
      ...(kept ? { kept } : {}),
    };
  } finally {
    for (const o of owned.reverse()) o.dispose();
    if (!opts.evaluator) ev.dispose();
  }
}
