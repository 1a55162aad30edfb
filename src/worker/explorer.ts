/**
 * The engine worker's side of the representation-bias explorer: for a loaded suite,
 * the bias of chosen models (the pretrained model, merges by id, kept training runs) to the
 * experts per task and layer, the final features of the same images under the experts and each
 * model for one shared UMAP layout (a seeded point budget spread evenly over tasks, or all
 * points), and a small thumbnail of one test image for the scatter's hover. Features come through
 * the suite's SuiteEvaluator with hidden states, so bias and UMAP share one forward pass per model
 * and image; a merge's weights are loaded for the call and freed after it (also on cancel). A
 * training run brings its kept representations (TrainedStore: the final corrected model's CLS and
 * z of its first ≤ 512 images, its own predictions), so the explorer measures at most as many
 * images per task as every compared run kept.
 */
import * as Comlink from 'comlink';
import { denormalize } from '../engine/data/examples';
import type { SampledSuite } from '../engine/data/sampled-suite';
import { balancedIndices } from '../engine/embed/subsample';
import { embeddingSets, selectImages } from '../engine/embed/suite-sets';
import { DEFAULT_BUDGET } from '../engine/embed/constants';
import { MergelabError } from '../engine/errors';
import { type BiasSource, biasReport, collectBiasFeatures, type Representations } from '../engine/eval/bias';
import { disposeParams, type ParamMap } from '../engine/params/param-map';
import { type EngineApi, EXPLORER_IMAGES, type ExplorerModel, type ExplorerOptions, type ProgressFn } from './api';
import type { JobSignal, Jobs } from './jobs';
import type { SuiteStore } from './suites';
import type { TrainedStore } from './trained-store';

type ExplorerMethods = Pick<EngineApi, 'explorerBias' | 'explorerFeatures' | 'testImageThumbnail'>;

export interface ExplorerDeps {
  jobs: Jobs;
  suites: SuiteStore;
  /** A held merge by id (throws a clear error for an unknown id). */
  mergedModel(id: string): { params(): ParamMap; key: string; suiteId: string | null };
  trained: Pick<TrainedStore, 'get'>;
}

/** The first n rows of kept representations. */
function firstRows(h: Representations, n: number): Representations {
  const d = h.cls?.[0] ? h.cls[0].length / h.n : 0;
  return { n, dim: h.dim, z: h.z.subarray(0, n * h.dim), cls: h.cls?.map((c) => c.subarray(0, n * d)) ?? null };
}

const usage = (message: string, hint: string) => new MergelabError('usage', message, hint);

export function createExplorerMethods(deps: ExplorerDeps): ExplorerMethods {
  /** Keys layouts of this engine apart from an earlier one's (ids restart when the worker does). */
  const realm = `${Date.now().toString(36)}${Math.floor(Math.random() * 2 ** 32).toString(36)}`;

  /**
   * Features with hidden states of the experts and each model on the first images of every task
   * of a class-stratified sample (the compared training runs', else one of `requested`):
   * `requested`, or fewer when a training run kept fewer; with the limit used, the runs' own
   * predictions and the (sampled) suite read.
   */
  const gather = async (suiteId: string, models: ExplorerModel[], requested: number, signal: JobSignal, onProgress?: ProgressFn) => {
    if (!(Number.isInteger(requested) && requested > 0)) throw usage(`The explorer needs a positive whole number of images per task, got ${requested}.`, 'Pick how many images per task to measure (e.g. 100).');
    const runs = models.flatMap((m) => (m.ref.kind === 'trained' ? [{ m, run: deps.trained.get(m.ref.id) }] : []));
    // The images: the suite's stratified sample the compared training runs were trained on, else one of `requested` (SuiteStore.sampled).
    const samples = new Set(runs.map((r) => r.run.limit));
    if (samples.size > 1) throw usage(`The compared training runs were trained on different image samples (${[...samples].map((n) => (n === null ? 'all images' : `${n} per task`)).join(', ')}).`, 'Compare training runs made with the same image limit.');
    const size = runs.length ? runs[0].run.limit : requested;
    const { suite, evaluator, problems } = size === null ? deps.suites.get(suiteId) : deps.suites.sampled(suiteId, size);
    if (problems.size) {
      throw new MergelabError('data', `The test data of ${[...problems.keys()].join(', ')} cannot be read, so the explorer cannot measure the suite.`, 'Fix or replace those files and load the suite again.');
    }
    const tasks = suite.manifest.tasks.map((t) => t.name);
    const counts = await Promise.all(tasks.map(async (t) => (await suite.images(t)).count));
    let limit = Math.min(requested, Math.max(...counts));
    for (const { m, run } of runs) {
      if (run.suiteId !== suiteId) throw usage(`${m.label} was trained on another suite.`, 'Train it on the loaded suite, then open the explorer.');
      tasks.forEach((t, i) => {
        const kept = run.hidden.get(t)?.n ?? 0;
        if (kept < counts[i]) limit = Math.min(limit, kept);
      });
    }
    if (limit < 1) throw usage('A compared training run kept no images of some task.', 'Train it again on the loaded suite.');
    const given = (rows: (t: string, n: number) => Representations | Int32Array) =>
      Object.fromEntries(tasks.map((t, i) => [t, rows(t, Math.min(limit, counts[i]))]));
    const predictions: Record<string, Record<string, Int32Array>> = {};
    const loaded: ParamMap[] = [];
    try {
      const sources: BiasSource[] = [];
      for (const m of models) {
        if (m.ref.kind === 'pretrained') {
          sources.push({ key: 'pretrained', label: m.label, checkpoint: suite.pretrained });
        } else if (m.ref.kind === 'merge') {
          const merged = deps.mergedModel(m.ref.id);
          if (merged.suiteId !== suiteId) throw usage(`${m.label} was not merged from this suite's models.`, 'Merge on the loaded suite, then open the explorer.');
          const params = merged.params();
          loaded.push(params);
          sources.push({ key: merged.key, label: m.label, params });
        } else {
          const run = deps.trained.get(m.ref.id);
          const key = `trained:${m.ref.id}`;
          sources.push({ key, label: m.label, given: given((t, n) => firstRows(run.hidden.get(t)!, n)) as Record<string, Representations> });
          predictions[key] = given((t, n) => run.features.get(t)!.predictions.subarray(0, n)) as Record<string, Int32Array>;
        }
      }
      const input = await collectBiasFeatures(evaluator, sources, {
        limit, signal,
        onProgress: (p) => onProgress?.({ stage: `features of ${p.model} on ${p.task}`, done: p.step + (p.total ? p.done / p.total : 0), total: p.steps }),
      });
      return { input, limit, predictions, suite, size };
    } finally {
      loaded.forEach(disposeParams);
    }
  };

  return {
    async explorerBias(suiteId, models, opts: ExplorerOptions = {}, onProgress) {
      if (!models.length) throw usage('The bias explorer was given no model to measure.', 'Pick at least one model (e.g. the pretrained model or a merge).');
      return deps.jobs.run(opts.jobId, async (signal) => {
        const { input, limit } = await gather(suiteId, models, opts.limit ?? EXPLORER_IMAGES, signal, onProgress);
        return { ...biasReport(input), limit };
      });
    },

    async explorerFeatures(suiteId, models, opts = {}, onProgress) {
      const budget = opts.budget ?? DEFAULT_BUDGET;
      if (budget !== 'all' && !(budget >= 1)) throw usage(`The point budget must be a positive number or 'all', got ${budget}.`, 'Use e.g. 5,000 points, or all points.');
      const seed = opts.seed ?? 0;
      return deps.jobs.run(opts.jobId, async (signal) => {
        const { input, limit, predictions, suite, size } = await gather(suiteId, models, opts.limit ?? EXPLORER_IMAGES, signal, onProgress);
        const all = embeddingSets(suite, input, `${realm}|${suiteId}|sample ${size ?? 'all'}|limit ${limit}|budget ${budget}|seed ${seed}`, predictions);
        const counts = input.tasks.map((t) => input.labels[t].length);
        const perSet = budget === 'all' ? Infinity : Math.floor(budget / all.sets.length);
        const chosen = balancedIndices(counts, Math.min(perSet, counts.reduce((a, b) => a + b, 0)), seed);
        const picked = selectImages(all, chosen);
        // Image indices of the sampled view → rows of the full test split (what testImageThumbnail reads).
        if ('rows' in suite) {
          const rows = await Promise.all(all.taskNames.map((t) => (suite as SampledSuite).rows(t)));
          picked.indices = Int32Array.from(picked.indices, (i, r) => rows[picked.tasks[r]][i]);
        }
        const out = { ...picked, limit };
        const buffers = [...out.sets.map((s) => s.z.buffer), out.tasks.buffer, out.indices.buffer, out.labels.buffer, ...Object.values(out.predictions).map((p) => p.buffer)];
        return Comlink.transfer(out, buffers as ArrayBuffer[]);
      });
    },

    async testImageThumbnail(suiteId, task, index, maxSize = 64) {
      const { suite } = deps.suites.get(suiteId);
      if (!suite.manifest.tasks.some((t) => t.name === task)) throw usage(`The suite has no task "${task}".`, `Use one of: ${suite.manifest.tasks.map((t) => t.name).join(', ')}.`);
      const images = await suite.images(task);
      if (!(Number.isInteger(index) && index >= 0 && index < images.count)) throw usage(`${task} has no test image ${index} (it has ${images.count}).`, `Ask for an index from 0 to ${images.count - 1}.`);
      if (!(maxSize >= 1)) throw usage(`A thumbnail needs at least 1 pixel a side, got ${maxSize}.`, 'Ask for e.g. 64 pixels.');
      const size = Math.min(Math.floor(maxSize), suite.manifest.imageSize);
      const rgb = denormalize(await images.pixels(index, 1, size), size); // [S, S, 3]
      const rgba = new Uint8ClampedArray(size * size * 4);
      for (let p = 0; p < size * size; p++) {
        rgba[4 * p] = rgb[3 * p]; rgba[4 * p + 1] = rgb[3 * p + 1]; rgba[4 * p + 2] = rgb[3 * p + 2]; rgba[4 * p + 3] = 255;
      }
      return Comlink.transfer({ width: size, height: size, rgba }, [rgba.buffer]);
    },
  };
}
