/**
 * The worker's open suites: reads a suite (picked files or a served URL), validates it with the
 * engine's openSuite, opens every task's test data up front so a broken file shows at once (per
 * task, the other tasks stay usable), and describes it for the page with example images. Each
 * suite keeps one SuiteEvaluator, whose FeatureCache holds the features of the pretrained and
 * individual models (the references) and of recent merges.
 */
import { coefficientTensorCount } from '../engine/trained/coefficients';
import { classExamples } from '../engine/data/examples';
import type { ImageDecoder } from '../engine/data/image-decoder';
import { sampledSuite } from '../engine/data/sampled-suite';
import { type OpenSuiteOptions, type Suite, openSuite, suiteFiles } from '../engine/data/suite';
import { fetchSuiteFiles } from '../engine/data/suite-url';
import { CancelledError, MergelabError, toErrorInfo } from '../engine/errors';
import { SuiteEvaluator } from '../engine/eval/evaluate';
import { knownFingerprint, seedFingerprint } from '../engine/eval/fingerprint';
import { blobSource } from '../engine/io/byte-source';
import { type FeatureStore, PersistentFeatureCache } from '../engine/eval/opfs-features';
import { suiteHash } from '../engine/io/opfs-index';
import type { FetchLike } from '../engine/io/fetch-source';
import { summarize } from '../engine/model/clip-vit/summary';
import type { EngineFile, ErrorInfo, FeatureCacheStats, OpenedSuite, ProgressFn, SuiteTaskInfo } from './api';
import type { JobSignal } from './jobs';

export interface SuiteEntry {
  suite: Suite;
  evaluator: SuiteEvaluator;
  /** The evaluator's feature cache, persisted once the page has cached the suite (persistFeatures). */
  cache: PersistentFeatureCache;
  /** Tasks whose test data cannot be used, with why. */
  problems: Map<string, ErrorInfo>;
  /** Sampled views by size (see SuiteStore.sampled). */
  views?: Map<number, SuiteEntry>;
}

/** Seed of the class-stratified samples the page's image limits draw (the CLI's `--sample N --seed 0` draws the same). */
export const SAMPLE_SEED = 0;

export interface SuiteStoreOptions {
  decoder?: ImageDecoder;
  fetchImpl?: FetchLike;
  /** Persistent storage for a cached suite's features (the worker: OPFS); none in Node. */
  featureStore?: (suiteHash: string) => Promise<FeatureStore>;
}

const EXAMPLES_PER_CLASS = 2;
/** Name of the file in a cached suite's feature store that maps its checkpoints' names to their content fingerprints. */
const FINGERPRINTS = 'fingerprints.json';

/** Name of the feature-store entry that keeps zero-shot heads built from text towers (by content key) across reloads. */
const HEADS_STORE = 'zero-shot-heads';

/**
 * openSuite's progress, cancellation and cache for building heads from the pretrained model's
 * text tower (a manifest without "heads"): each batch of prompts embedded reports `building
 * heads` with the prompts done and in all; the signal is checked between batches; built heads
 * are kept in the persistent store when there is one.
 */
export function headsOptions(onProgress?: ProgressFn, signal?: JobSignal, featureStore?: SuiteStoreOptions['featureStore']): Pick<OpenSuiteOptions, 'onProgress' | 'signal' | 'headStore'> {
  return {
    onProgress: onProgress && ((p) => onProgress({ stage: 'building heads', done: p.done, total: p.total, unit: 'prompts' })),
    signal,
    headStore: featureStore && {
      load: async (name) => (await featureStore(HEADS_STORE)).load(name),
      save: async (name, bytes) => (await featureStore(HEADS_STORE)).save(name, bytes),
    },
  };
}

export class SuiteStore {
  private readonly open = new Map<string, SuiteEntry>();
  private next = 1;

  constructor(private readonly opts: SuiteStoreOptions) {}

  get(id: string): SuiteEntry {
    const e = this.open.get(id);
    if (!e) throw new MergelabError('engine', `No open suite with id "${id}".`, 'Load the suite folder again.');
    return e;
  }

  /**
   * Opens picked files as a suite. Building heads from the text tower (a manifest without "heads")
   * reports "building heads" progress and stops when `signal` is aborted, through openSuite's
   * options `onProgress` and `signal` (see headsOptions).
   */
  async openFiles(name: string, files: EngineFile[], onProgress?: ProgressFn, signal?: JobSignal): Promise<OpenedSuite> {
    if (files.length === 0) throw new MergelabError('suite', `${name}: the folder is empty.`, 'Pick the suite folder: the one with manifest.json, models/, heads.safetensors and data/.');
    const sources = suiteFiles(files.map((f) => ({ path: f.path, source: blobSource(f.blob, f.path) })));
    const suite = await openSuite(sources, { root: name, decoder: this.opts.decoder, ...headsOptions(onProgress, signal, this.opts.featureStore) });
    return this.describe(suite, onProgress, signal);
  }

  async openUrl(url: string, onProgress?: ProgressFn): Promise<OpenedSuite> {
    const files = await fetchSuiteFiles(url, {
      fetchImpl: this.opts.fetchImpl,
      onProgress: (done, total) => onProgress?.({ stage: 'downloading', done, total, unit: 'files' }),
    });
    const opened = await this.describe(await openSuite(files, { root: url, decoder: this.opts.decoder, ...headsOptions(onProgress, undefined, this.opts.featureStore) }), onProgress);
    // A served suite (the demo) is not copied, but its reference features are kept under its content hash.
    if (this.opts.featureStore) await this.persistFeatures(opened.id, await suiteHash(files)).catch(() => undefined); // without: recomputed after a reload
    return opened;
  }

  /**
   * Keeps the suite's reference features in the persistent store of its cache entry from now on.
   * The store also holds the content fingerprints of the suite's checkpoints (FINGERPRINTS, by
   * name): the entry's hash vouches for the same bytes, so a restored suite is not read again just
   * to fingerprint its models.
   */
  async persistFeatures(id: string, suiteHash: string): Promise<FeatureCacheStats> {
    const { cache, suite } = this.get(id);
    if (!this.opts.featureStore) throw new MergelabError('cache', 'This engine has no persistent storage for features.', 'Features are kept across reloads in the browser only.');
    const store = await this.opts.featureStore(suiteHash);
    const models = new Map([[suite.pretrained.name, suite.pretrained], ...[...suite.experts.values()].map((ck) => [ck.name, ck] as const)]);
    let saved: Record<string, unknown> = {};
    try {
      const bytes = await store.load(FINGERPRINTS);
      if (bytes) saved = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    } catch {
      // unreadable: the fingerprints are computed again (slower, not wrong)
    }
    for (const [name, ck] of models) { const hex = saved[name]; if (typeof hex === 'string') seedFingerprint(ck, hex); }
    cache.onWritten = () => void (async () => {
      const known: Record<string, string> = {};
      for (const [name, ck] of models) { const f = knownFingerprint(ck); if (f) known[name] = await f; }
      await store.save(FINGERPRINTS, new TextEncoder().encode(JSON.stringify(known)));
    })().catch(() => undefined); // without it the fingerprints are computed again after a reload: slower, not wrong
    await cache.attach(store);
    return this.featureCacheStats(id);
  }

  featureCacheStats(id: string): FeatureCacheStats {
    const { cache } = this.get(id);
    const last = cache.lastStoreError;
    return {
      persisted: cache.persisted, loaded: cache.loaded, written: cache.written, errors: cache.storeErrors,
      lastError: last === null ? null : toErrorInfo(last).message,
    };
  }

  /**
   * The suite seen through a class-stratified sample of `size` test images per task (seed
   * SAMPLE_SEED; data/sampled-suite.ts), with its own evaluator on the suite's feature cache (keys
   * name the sample). Training and the explorer read "the first N images" of this view, so a
   * limit of N never means the first N rows of a label-sorted split (one class).
   */
  sampled(id: string, size: number): SuiteEntry {
    const e = this.get(id);
    e.views ??= new Map();
    let v = e.views.get(size);
    if (!v) {
      const suite = sampledSuite(e.suite, { size, seed: SAMPLE_SEED });
      v = { suite, evaluator: new SuiteEvaluator(suite, e.cache), cache: e.cache, problems: e.problems };
      e.views.set(size, v);
    }
    return v;
  }

  close(id: string): void {
    const e = this.open.get(id);
    e?.evaluator.dispose();
    e?.views?.forEach((v) => v.evaluator.dispose());
    this.open.delete(id);
  }

  private async describe(suite: Suite, onProgress?: ProgressFn, signal?: JobSignal): Promise<OpenedSuite> {
    const problems = new Map<string, ErrorInfo>();
    const tasks: SuiteTaskInfo[] = [];
    const all = suite.manifest.tasks;
    for (const [i, t] of all.entries()) {
      if (signal?.aborted) throw new CancelledError('opening of the suite');
      onProgress?.({ stage: `reading ${t.name}`, done: i, total: all.length });
      const info: SuiteTaskInfo = { name: t.name, classes: t.classes, images: null, source: null, examples: [], notes: [], problem: null };
      try {
        const images = await suite.images(t.name);
        info.images = images.count;
        info.source = images.source;
        info.notes = [...images.notes];
        info.examples = await classExamples(images, t.classes.length, suite.manifest.imageSize, EXAMPLES_PER_CLASS);
      } catch (e) {
        info.problem = toErrorInfo(e);
        problems.set(t.name, info.problem);
      }
      tasks.push(info);
    }
    const id = `suite${this.next++}`;
    const cache = new PersistentFeatureCache();
    this.open.set(id, { suite, evaluator: new SuiteEvaluator(suite, cache), cache, problems });
    return {
      id,
      name: suite.manifest.name,
      root: suite.root,
      imageSize: suite.manifest.imageSize,
      logitScale: suite.manifest.logitScale,
      pretrained: { name: suite.pretrained.name, summary: summarize(suite.pretrained) },
      experts: [...suite.experts].map(([task, ck]) => ({ task, name: ck.name })),
      coefficientTensors: coefficientTensorCount(suite.pretrained, [...suite.experts.values()]),
      tasks,
      notes: [...suite.notes],
    };
  }
}
