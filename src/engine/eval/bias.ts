/**
 * Representation bias (Yang et al., "Representation Surgery for Multi-Task Model Merging",
 * ICML 2024, arXiv:2402.02705, §3): for task t, layer l and the task's images x, how far a model's
 * representation h_l(x) lies from the expert's h_l^t(x). Two distances per (model, task, layer):
 *   l1     = mean over images and dimensions of |h_l(x) − h_l^t(x)|   (the paper's "bias")
 *   cosine = mean over images of 1 − cos(h_l(x), h_l^t(x))            (scale-free companion)
 * Layers are the CLS token after every block in the HF hidden_states convention (entry 0 = after
 * pre_layrnorm, entry L = last block) followed by the final image feature z (not normalised).
 * Inputs are plain row-major typed arrays, so the same code runs on cached features in the worker,
 * in Node and in tests. `collectBiasFeatures` gathers them through a SuiteEvaluator and its
 * FeatureCache (expert features are computed once and reused by every model measured).
 */
import { MergelabError } from '../errors';
import type { ModelInput, RunOptions, SuiteEvaluator } from './evaluate';
import type { Features } from './features';
import type { Checkpoint } from '../model/clip-vit/checkpoint';

/** The representations bias needs: n images, CLS after every block (L + 1 arrays [n, D]) and z [n, P]. */
export type Representations = Pick<Features, 'n' | 'dim' | 'z' | 'cls'>;

/** Bad input to the bias metrics (mismatched shapes or layer counts), with what to do. */
export class BiasInputError extends MergelabError {
  constructor(problem: string, hint = 'Compute every model\'s features on the same images with hiddenStates on (collectBiasFeatures does).') {
    super('bias-input', problem, hint);
    this.name = 'BiasInputError';
  }
}

/** Mean of |a − b| over all n·d entries; a, b [n, d] row-major. */
export function meanL1Distance(a: Float32Array, b: Float32Array, n: number, d: number): number {
  checkPair(a, b, n, d);
  let s = 0;
  for (let i = 0; i < n * d; i++) s += Math.abs(a[i] - b[i]);
  return s / (n * d);
}

/** Mean over rows of 1 − cos(a_i, b_i); a, b [n, d]. Two zero rows count as distance 0, one zero row as 1. */
export function meanCosineDistance(a: Float32Array, b: Float32Array, n: number, d: number): number {
  checkPair(a, b, n, d);
  let s = 0;
  for (let i = 0; i < n; i++) {
    let ab = 0, aa = 0, bb = 0;
    for (let k = i * d; k < (i + 1) * d; k++) { ab += a[k] * b[k]; aa += a[k] * a[k]; bb += b[k] * b[k]; }
    s += aa === 0 && bb === 0 ? 0 : aa === 0 || bb === 0 ? 1 : 1 - ab / Math.sqrt(aa * bb);
  }
  return s / n;
}

function checkPair(a: Float32Array, b: Float32Array, n: number, d: number): void {
  if (!(n > 0 && d > 0)) throw new BiasInputError(`Bias needs at least one image and one dimension, got n = ${n}, d = ${d}.`);
  if (a.length !== n * d || b.length !== n * d) throw new BiasInputError(`Representations of ${a.length} and ${b.length} values do not both hold [${n}, ${d}].`);
}

/** Per-layer distances of one model to the expert on one task: index l < L + 1 is CLS after block l, the last is z. */
export function layerBias(model: Representations, expert: Representations): { l1: number[]; cosine: number[] } {
  if (!model.cls || !expert.cls) throw new BiasInputError('Bias needs the CLS token of every layer, but the features were computed without hidden states.');
  if (model.n !== expert.n) throw new BiasInputError(`The model has features of ${model.n} images and the expert of ${expert.n}; bias compares the same images.`);
  if (model.cls.length !== expert.cls.length || model.dim !== expert.dim) {
    throw new BiasInputError(`The model has ${model.cls.length} layers and ${model.dim}-d features, the expert ${expert.cls.length} and ${expert.dim}-d; bias compares models of one architecture.`);
  }
  const n = model.n;
  const pairs: [Float32Array, Float32Array, number][] = model.cls.map((h, l) => [h, expert.cls![l], h.length / n]);
  pairs.push([model.z, expert.z, model.dim]);
  return {
    l1: pairs.map(([a, b, d]) => meanL1Distance(a, b, n, d)),
    cosine: pairs.map(([a, b, d]) => meanCosineDistance(a, b, n, d)),
  };
}

export interface BiasModel {
  /** Identifies the model (e.g. its FeatureCache key). */
  key: string;
  /** For legends: "Pretrained", "Task Arithmetic λ 0.3", "TA + Surgery". */
  label: string;
}

export interface BiasInput {
  tasks: string[];
  /** Task → its expert's representations on that task's images. */
  experts: Record<string, Representations>;
  /** Each model's representations per task, on the same images as the expert. */
  models: (BiasModel & { features: Record<string, Representations> })[];
}

/** Ready for a line chart over layers (one line per model) and a task × layer heatmap. */
export interface BiasReport {
  tasks: string[];
  /** 'embeddings', 'block 1' … 'block L', 'z'. */
  layers: string[];
  models: BiasModel[];
  /** [model][task][layer]. */
  l1: number[][][];
  cosine: number[][][];
  /** All-tasks mean, [model][layer]. */
  meanL1: number[][];
  meanCosine: number[][];
}

export type BiasMetric = 'l1' | 'cosine';

export function layerNames(numBlocks: number): string[] {
  return ['embeddings', ...Array.from({ length: numBlocks }, (_, i) => `block ${i + 1}`), 'z'];
}

export function biasReport(input: BiasInput): BiasReport {
  if (!input.tasks.length) throw new BiasInputError('Bias needs at least one task.');
  const missing = input.tasks.flatMap((t) => [
    ...(input.experts[t] ? [] : [`the expert of ${t}`]),
    ...input.models.filter((m) => !m.features[t]).map((m) => `${m.label} on ${t}`),
  ]);
  if (missing.length) throw new BiasInputError(`Features are missing for ${missing.join(', ')}.`);
  const per = input.models.map((m) => input.tasks.map((t) => layerBias(m.features[t], input.experts[t])));
  const mean = (rows: number[][]) => rows[0].map((_, l) => rows.reduce((s, r) => s + r[l], 0) / rows.length);
  const l1 = per.map((tasks) => tasks.map((b) => b.l1));
  const cosine = per.map((tasks) => tasks.map((b) => b.cosine));
  return {
    tasks: input.tasks,
    layers: layerNames(input.experts[input.tasks[0]].cls!.length - 1),
    models: input.models.map(({ key, label }) => ({ key, label })),
    l1,
    cosine,
    meanL1: l1.map(mean),
    meanCosine: cosine.map(mean),
  };
}

export interface BiasProgress {
  /** Label of the model whose features are being computed ("expert" for the references). */
  model: string;
  task: string;
  /** Images of this (model, task) done / to do. */
  done: number;
  total: number;
  /** (model, task) pairs finished before this one / in all, experts included. */
  step: number;
  steps: number;
}

export interface BiasOptions extends Omit<RunOptions, 'onProgress'> {
  onProgress?: (p: BiasProgress) => void;
}

/**
 * A model whose bias is measured: weights already loaded (a merge), a checkpoint loaded only on a
 * cache miss (e.g. the pretrained model), or representations computed elsewhere (a trained
 * correction's kept features), given per task on the same first images.
 */
export type BiasSource =
  | (ModelInput & { label: string })
  | (BiasModel & { checkpoint: Checkpoint })
  | (BiasModel & { given: Record<string, Representations> });

/**
 * Features with hidden states of every task's expert and of each model on every task of the suite,
 * through the evaluator's FeatureCache (a model measured before costs nothing), and each task's
 * labels (the same images for every model). A `given` model must hold as many images per task as
 * the evaluator uses (the first `limit`).
 */
export async function collectBiasFeatures(ev: SuiteEvaluator, models: BiasSource[], opts: BiasOptions = {}): Promise<BiasInput & { labels: Record<string, Int32Array> }> {
  const tasks = ev.suite.manifest.tasks.map((t) => t.name);
  const steps = tasks.length * (models.length + 1);
  let step = 0;
  const run = (label: string) => ({
    limit: opts.limit, batchSize: opts.batchSize, signal: opts.signal, hiddenStates: true,
    onProgress: (p: { task: string; done: number; total: number }) => opts.onProgress?.({ model: label, task: p.task, done: p.done, total: p.total, step, steps }),
  });
  const experts: Record<string, Representations> = {};
  const labels: Record<string, Int32Array> = {};
  for (const t of tasks) {
    const f = await ev.checkpointFeatures(ev.suite.experts.get(t)!, t, run('expert'));
    experts[t] = f;
    labels[t] = f.labels;
    step++;
  }
  const out: BiasInput['models'] = [];
  for (const m of models) {
    const features: Record<string, Representations> = {};
    for (const t of tasks) {
      if ('given' in m) {
        const g = m.given[t];
        if (!g || g.n !== labels[t].length) throw new BiasInputError(`${m.label} has features of ${g?.n ?? 0} images of ${t}, the expert of ${labels[t].length}.`, 'Measure on at most as many images as the model was kept with.');
        features[t] = g;
      } else {
        features[t] = 'checkpoint' in m ? await ev.checkpointFeatures(m.checkpoint, t, run(m.label), 'pretrained') : await ev.features(m, t, run(m.label));
      }
      step++;
    }
    out.push({ key: m.key, label: m.label, features });
  }
  return { tasks, experts, models: out, labels };
}
