/**
 * Per-task evaluation of a suite: top-1 accuracy of the pretrained model on every
 * task, of each expert on its own task ("individual") and of any other model (a merge) on every
 * task, with normalised accuracy = accuracy ÷ individual accuracy, side by side, and averages.
 * Features go through a FeatureCache keyed by the model's content, so the references are computed
 * once and each new merge costs only its own forward passes. Accuracies are percentages.
 * A task is scored on all its test images, the first `limit`, or a seeded class-stratified
 * `sample` (data/sample.ts); reports give the images scored and the split's size.
 */
import * as tf from '@tensorflow/tfjs';
import { stratifiedSample } from '../data/sample';
import { isSampledSuite } from '../data/sampled-suite';
import { MergelabError } from '../errors';
import { type Suite, suiteTaskNames } from '../data/suite';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import { loadParams } from '../model/clip-vit/load';
import { headLogits } from '../model/heads';
import type { ParamMap } from '../params/param-map';
import { disposeParams } from '../params/param-map';
import { argmaxRows, top1Accuracy } from './accuracy';
import { FeatureCache, type Features, computeFeatures, featureKey } from './features';
import { contentFingerprint } from './fingerprint';

export type Stage = 'pretrained' | 'individual' | 'merged';

export interface EvalProgress {
  stage: Stage;
  task: string;
  /** Images of this task done / to do. */
  done: number;
  total: number;
  /** Throughput of this model on this task so far (for an ETA). */
  imagesPerSecond: number;
}

/** A seeded class-stratified sample of each task's test split (all of it when `size` ≥ its images). */
export interface SampleSpec {
  size: number;
  /** Default 0. */
  seed?: number;
}

export interface RunOptions {
  /** First N images of each task (default all). Ignored when `sample` is given. */
  limit?: number;
  /** A stratified sample of each task instead of its first images. */
  sample?: SampleSpec;
  /** Images per forward pass (default 32). */
  batchSize?: number;
  onProgress?: (p: EvalProgress) => void;
  signal?: { readonly aborted: boolean };
  /** Score only these tasks (a subset, kept in manifest order; default all). */
  tasks?: readonly string[];
}

/** A model to score: `key` identifies its weights (e.g. method + params + input fingerprints). */
export interface ModelInput {
  key: string;
  params: ParamMap;
  /** Defaults to the suite's pretrained config. */
  config?: ClipVisionConfig;
}

/** Task → accuracy in percent. */
export type TaskAccuracy = Record<string, number>;

export interface References {
  pretrained: TaskAccuracy;
  individual: TaskAccuracy;
  /** Images scored per task. */
  images: Record<string, number>;
  /** Test images each task has (the split's size). */
  total: Record<string, number>;
  /** Whether a task's images were a stratified sample (fewer than its split). */
  sampled: Record<string, boolean>;
}

export class SuiteEvaluator {
  private projection: Promise<tf.Tensor2D | null> | null = null;
  private projectionTensor: tf.Tensor2D | null = null;

  constructor(readonly suite: Suite, readonly cache = new FeatureCache()) {}

  /** Features of a model on a task's test images, from the cache when possible. */
  async features(model: ModelInput, task: string, opts: RunOptions & { hiddenStates?: boolean } = {}, stage: Stage = 'merged'): Promise<Features> {
    return this.cached(model.key, async () => model.params, model.config ?? this.suite.pretrained.config, task, opts, stage);
  }

  /** Accuracy (percent) of features on a task with the suite's head. */
  accuracy(task: string, f: Features): number {
    const head = this.suite.heads.get(task)!;
    const logits = headLogits(f.z, f.n, head, this.suite.manifest.logitScale); // [N, C]
    return 100 * top1Accuracy(argmaxRows(logits, f.n, head.numClasses), f.labels);
  }

  /** Pretrained on every task and each expert on its own task. Loads each model only if needed. */
  async references(opts: RunOptions = {}): Promise<References> {
    const tasks = suiteTaskNames(this.suite, opts.tasks);
    const out: References = { pretrained: {}, individual: {}, images: {}, total: {}, sampled: {} };
    const pre = this.suite.pretrained;
    const preKey = await contentFingerprint(pre);
    let preParams: ParamMap | null = null;
    try {
      for (const task of tasks) {
        const f = await this.cached(preKey, async () => (preParams ??= await loadParams(pre)), pre.config, task, opts, 'pretrained');
        out.pretrained[task] = this.accuracy(task, f);
        out.images[task] = f.n;
        const count = (await this.suite.images(task)).count;
        // A sampled view of the suite reports its full split's size: its figures are sampled.
        const full = isSampledSuite(this.suite) ? (await this.suite.sampled(task)).total : count;
        out.total[task] = full;
        out.sampled[task] = (!!opts.sample && f.n < count) || full > count;
      }
    } finally {
      if (preParams) disposeParams(preParams);
    }
    for (const task of tasks) out.individual[task] = this.accuracy(task, await this.checkpointFeatures(this.suite.experts.get(task)!, task, opts));
    return out;
  }

  /** Features of a checkpoint (e.g. a task's expert) on a task; its weights are loaded only on a cache miss. */
  async checkpointFeatures(ck: Checkpoint, task: string, opts: RunOptions & { hiddenStates?: boolean } = {}, stage: Stage = 'individual'): Promise<Features> {
    let params: ParamMap | null = null;
    try {
      return await this.cached(await contentFingerprint(ck), async () => (params ??= await loadParams(ck)), ck.config, task, opts, stage);
    } finally {
      if (params) disposeParams(params);
    }
  }

  /** A model (typically a merge) on every task. */
  async score(model: ModelInput, opts: RunOptions = {}): Promise<TaskAccuracy> {
    const out: TaskAccuracy = {};
    for (const t of suiteTaskNames(this.suite, opts.tasks)) out[t] = this.accuracy(t, await this.features(model, t, opts));
    return out;
  }

  /** Frees the pretrained projection kept for models without one (the cache is the caller's). */
  dispose(): void {
    if (this.projectionTensor) this.projectionTensor.dispose();
    else this.projection?.then((p) => p?.dispose()); // still loading: free it when it arrives
    this.projection = null;
    this.projectionTensor = null;
  }

  private async cached(modelKey: string, params: () => Promise<ParamMap>, config: ClipVisionConfig, task: string, opts: RunOptions & { hiddenStates?: boolean }, stage: Stage): Promise<Features> {
    const images = await this.suite.images(task);
    if (opts.sample && !(Number.isInteger(opts.sample.size) && opts.sample.size >= 1 && Number.isInteger(opts.sample.seed ?? 0))) {
      throw new MergelabError('usage', `A sample of ${opts.sample.size} images (seed ${opts.sample.seed ?? 0}) cannot be drawn.`, 'Give the sample size as a positive whole number of images per task, and the seed as a whole number.');
    }
    const sampled = opts.sample && opts.sample.size < images.count ? opts.sample : null;
    const limit = sampled ? sampled.size : Math.min(opts.limit ?? images.count, images.count);
    const sample = sampled ? `sample:${sampled.size}:${sampled.seed ?? 0}` : undefined;
    const key = featureKey({ model: modelKey, task, source: images.source, limit, imageSize: config.imageSize, hiddenStates: !!opts.hiddenStates, sample });
    return this.cache.getOrCompute(key, async () => {
      const p = await params();
      return computeFeatures(p, config, images, {
        limit,
        indices: sampled ? stratifiedSample(images.labels, sampled.size, sampled.seed ?? 0) : undefined,
        preprocessing: this.suite.preprocessing,
        batchSize: opts.batchSize,
        hiddenStates: opts.hiddenStates,
        projection: p.has('visual_projection.weight') ? null : await this.pretrainedProjection(),
        signal: opts.signal,
        onProgress: (done, total, imagesPerSecond) => opts.onProgress?.({ stage, task, done, total, imagesPerSecond }),
      });
    });
  }

  /** visual_projection.weight [P, D] of the pretrained model, for experts that store none (their projection was not fine-tuned, so it is the pretrained one). */
  private pretrainedProjection(): Promise<tf.Tensor2D | null> {
    this.projection ??= (async () => {
      const spec = this.suite.pretrained.params.find((p) => p.name === 'visual_projection.weight');
      if (!spec) return null;
      const values = await this.suite.pretrained.readParam(spec.name);
      return (this.projectionTensor = tf.tensor2d(values, spec.shape as [number, number])); // [P, D]
    })();
    return this.projection;
  }
}

export interface Score {
  accuracy: number;
  /** accuracy ÷ individual accuracy × 100; null when the individual accuracy is 0. */
  normalized: number | null;
}

export interface ReportRow {
  /** Images scored. */
  images: number;
  /** Images in the task's test split; with `sampled`, the figures are on a sample of `images` of them. */
  total: number;
  sampled: boolean;
  pretrained: Score;
  individual: { accuracy: number };
  merged?: Score;
}

export interface EvalReport {
  suite: string;
  tasks: Record<string, ReportRow>;
  /** Means over tasks (normalised: mean of the per-task ratios that exist). */
  average: { pretrained: Score; individual: { accuracy: number }; merged?: Score };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const ratio = (acc: number, ind: number) => (ind > 0 ? (100 * acc) / ind : null);

/** The table: absolute and normalised accuracy per task for pretrained, individual and a merge, over the tasks the references scored. */
export function buildReport(suite: Suite, refs: References, merged?: TaskAccuracy): EvalReport {
  const tasks: Record<string, ReportRow> = {};
  for (const name of Object.keys(refs.images)) {
    const ind = refs.individual[name];
    tasks[name] = {
      images: refs.images[name],
      total: refs.total[name],
      sampled: refs.sampled[name],
      pretrained: { accuracy: refs.pretrained[name], normalized: ratio(refs.pretrained[name], ind) },
      individual: { accuracy: ind },
      ...(merged ? { merged: { accuracy: merged[name], normalized: ratio(merged[name], ind) } } : {}),
    };
  }
  const rows = Object.values(tasks);
  const avg = (pick: (r: ReportRow) => Score): Score => {
    const norms = rows.map((r) => pick(r).normalized).filter((v): v is number => v !== null);
    return { accuracy: mean(rows.map((r) => pick(r).accuracy)), normalized: norms.length ? mean(norms) : null };
  };
  return {
    suite: suite.manifest.name,
    tasks,
    average: {
      pretrained: avg((r) => r.pretrained),
      individual: { accuracy: mean(rows.map((r) => r.individual.accuracy)) },
      ...(merged ? { merged: avg((r) => r.merged!) } : {}),
    },
  };
}
