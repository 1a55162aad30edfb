/**
 * The worker's merges, evaluation and task-vector analytics over EngineApi. A merge request (the
 * engine's MergeRequest, its pool by reference) is resolved once by the engine and held in memory
 * (engine/merge/held.ts): its values are scored as a ParamMap, the route training and
 * `mergelab eval` take, and its Hugging Face folder (config.json + model.safetensors with the
 * engine's __metadata__) is made from the same values when it is downloaded. Long calls take a
 * jobId and check its signal between tensors (merge, analytics) and batches (evaluation), so a
 * cancel leaves the worker usable and nothing allocated.
 */
import { suiteTaskNames } from '../engine/data/suite';
import { MergelabError } from '../engine/errors';
import { buildReport } from '../engine/eval/evaluate';
import { taskVectorAnalytics } from '../engine/eval/task-vectors';
import { heldFileParts, holdMerge, type HeldMerge } from '../engine/merge/held';
import { toParamMap } from '../engine/merge/in-memory';
import type { MergeRequest } from '../engine/merge/request';
import { blobPartsSink } from '../engine/merge/sinks';
import { mergeStream } from '../engine/merge/stream';
import type { MergeProgress } from '../engine/merge/task-vector-merge';
import type { Checkpoint } from '../engine/model/clip-vit/checkpoint';
import { disposeParams, type ParamMap } from '../engine/params/param-map';
import type { EngineApi, MergedModel, PoolRef, ProgressFn } from './api';
import type { Jobs } from './jobs';
import { SAMPLE_SEED, type SuiteStore } from './suites';

interface MergeEntry {
  info: MergedModel;
  /** The merged values and what its files record. */
  held: HeldMerge;
  /** FeatureCache key: method, parameters and the inputs' fingerprints. */
  key: string;
  /** The request as sent (retrieved models stream it again) and its experts' task names. */
  request: MergeRequest;
  tasks: string[];
}

export interface MergeDeps {
  jobs: Jobs;
  suites: SuiteStore;
  /** An open checkpoint of the Models panel by engine id. */
  checkpoint(id: string): Checkpoint;
}

type MergeMethods = Pick<EngineApi, 'merge' | 'mergeFiles' | 'retrievedFiles' | 'closeMerge' | 'evaluate' | 'analyzeTaskVectors'> & {
  /** A held merge's weights (a new ParamMap: the caller disposes it), FeatureCache key and suite (for the bias explorer). */
  mergedModel(id: string): { params(): ParamMap; key: string; suiteId: string | null };
};

function mergeStage(p: MergeProgress): string {
  if (p.stage === 'scan') return `scan pass ${p.pass} of ${p.passes}`;
  return p.stage === 'merge' ? `merge pass${p.passes > 1 ? ` ${p.pass} of ${p.passes}` : ''}` : 'writing';
}

export function createMergeMethods({ jobs, suites, checkpoint }: MergeDeps): MergeMethods {
  const merges = new Map<string, MergeEntry>();
  let next = 1;

  const get = (id: string): MergeEntry => {
    const m = merges.get(id);
    if (!m) throw new MergelabError('engine', `No merge with id "${id}".`, 'Run the merge again.');
    return m;
  };

  /** Pretrained, experts (with task names) and the suite id of a pool. */
  const resolvePool = (pool: PoolRef) => {
    if (pool.kind === 'suite') {
      const { suite } = suites.get(pool.suiteId);
      const tasks = suiteTaskNames(suite, pool.tasks);
      return { pretrained: suite.pretrained, experts: tasks.map((task) => ({ task, ck: suite.experts.get(task)! })), suiteId: pool.suiteId };
    }
    if (pool.expertIds.length === 0) throw new MergelabError('usage', 'The pool has no experts.', 'Load at least one fine-tuned model besides the pretrained one.');
    return { pretrained: checkpoint(pool.pretrainedId), experts: pool.expertIds.map((id) => ({ task: checkpoint(id).name, ck: checkpoint(id) })), suiteId: null };
  };

  return {
    mergedModel(id) {
      const m = get(id);
      return { params: () => toParamMap(m.held.values, m.held.specs), key: m.key, suiteId: m.info.suiteId };
    },

    async merge(spec, opts = {}, onProgress?: ProgressFn) {
      const pool = resolvePool(spec.pool);
      return jobs.run(opts.jobId, async (signal) => {
        const t0 = performance.now();
        const request: MergeRequest = { pretrained: pool.pretrained, experts: pool.experts.map((e) => e.ck), method: spec.method, params: spec.params };
        const r = await holdMerge(request, {
          signal,
          onProgress: (p) => onProgress?.({ stage: mergeStage(p), done: p.bytesRead, total: p.bytesTotal, unit: 'bytes' }),
        });
        const id = `merge${next++}`;
        const name = `merged-${r.method}-${id.slice(5)}`;
        const tasks = pool.experts.map((e) => e.task);
        const info: MergedModel = {
          id, name, method: r.method, params: r.params, notes: r.notes, passes: r.passes, bytesRead: r.bytesRead,
          bytesWritten: r.bytesWritten, ms: performance.now() - t0, metadata: r.metadata, suiteId: pool.suiteId, tasks, peakBytes: signal.peakBytes,
        };
        merges.set(id, { info, held: r, key: JSON.stringify([r.method, r.params, r.inputs.map((x) => x.fingerprint)]), request, tasks });
        return info;
      });
    },

    async mergeFiles(id) {
      const m = get(id);
      return { configJson: m.held.configJson, model: new Blob(heldFileParts(m.held)) };
    },

    async retrievedFiles(id, task, opts = {}, onProgress?: ProgressFn) {
      const m = get(id);
      const t = m.tasks.indexOf(task);
      if (t < 0) throw new MergelabError('usage', `${m.info.name} has no task "${task}".`, `Pick one of: ${m.tasks.join(', ')}.`);
      return jobs.run(opts.jobId, async (signal) => {
        const sink = blobPartsSink();
        const r = await mergeStream({ ...m.request, retrieved: t }, sink, {
          signal,
          onProgress: (p) => onProgress?.({ stage: mergeStage(p), done: p.bytesRead, total: p.bytesTotal, unit: 'bytes' }),
        });
        return { configJson: r.configJson, model: new Blob(sink.parts as Uint8Array<ArrayBuffer>[]) };
      });
    },

    async closeMerge(id) {
      const m = merges.get(id);
      if (!m) return;
      merges.delete(id);
      if (m.info.suiteId) {
        try { suites.get(m.info.suiteId).evaluator.cache.deleteModel(m.key); } catch { /* the suite is gone: so is its cache */ }
      }
    },

    async evaluate(suiteId, mergeId, opts = {}, onProgress?: ProgressFn) {
      // The page's sample (seed SAMPLE_SEED) is read through the suite's sampled view, shared with training and the explorer.
      const view = opts.sample && (opts.sample.seed ?? SAMPLE_SEED) === SAMPLE_SEED;
      const { suite, evaluator, problems } = view ? suites.sampled(suiteId, opts.sample!.size) : suites.get(suiteId);
      const merged = mergeId === null ? null : get(mergeId);
      if (merged && merged.info.suiteId !== suiteId) {
        throw new MergelabError('usage', `${merged.info.name} was not merged from this suite's models.`, 'Run the merge on the loaded suite to evaluate it.');
      }
      const tasks = merged?.info.tasks;
      const broken = [...problems].filter(([task]) => !tasks || tasks.includes(task));
      if (broken.length) {
        const list = broken.map(([task, e]) => `${task}: ${e.message}`).join('\n- ');
        throw new MergelabError('data', `The test data of ${broken.length} task${broken.length > 1 ? 's' : ''} cannot be read:\n- ${list}`, 'Fix or replace those files and load the suite again; evaluation needs every task.');
      }
      return jobs.run(opts.jobId, async (signal) => {
        const run = {
          limit: view ? undefined : opts.limit, sample: view ? undefined : opts.sample, batchSize: opts.batchSize, signal, tasks,
          onProgress: (p: { stage: string; task: string; done: number; total: number; imagesPerSecond: number }) => onProgress?.({ stage: `${p.stage} · ${p.task}`, done: p.done, total: p.total, unit: 'images', perSecond: p.imagesPerSecond }),
        };
        const refs = await evaluator.references(run);
        if (!merged) return { ...buildReport(suite, refs), peakBytes: signal.peakBytes };
        const params = toParamMap(merged.held.values, merged.held.specs);
        try {
          const report = buildReport(suite, refs, await evaluator.score({ key: merged.key, params }, run));
          return { ...report, peakBytes: signal.peakBytes };
        } finally {
          disposeParams(params);
        }
      });
    },

    async analyzeTaskVectors(poolRef, opts = {}, onProgress?: ProgressFn) {
      const pool = resolvePool(poolRef);
      return jobs.run(opts.jobId, (signal) => taskVectorAnalytics(pool.pretrained, pool.experts.map((e) => ({ task: e.task, checkpoint: e.ck })), {
        signal,
        onProgress: (p) => onProgress?.({ stage: 'reading tensors', done: p.done, total: p.total, unit: 'tensors' }),
      }));
    },
  };
}
