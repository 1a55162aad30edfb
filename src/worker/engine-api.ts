/**
 * The engine side of EngineApi: holds the opened checkpoints of one realm (a worker or a Node
 * process) and runs the engine on them. No DOM: the worker exposes it with Comlink, Node and tests
 * call it in-process. Every method rejects with a plain ErrorInfo (errors.ts toErrorInfo), so
 * nothing thrown here can take the worker down or lose its code and hint on the way.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../engine/backend';
import { MergelabError, toErrorInfo } from '../engine/errors';
import { blobSource, type ByteSource } from '../engine/io/byte-source';
import { openSafetensors } from '../engine/io/safetensors';
import type { Checkpoint } from '../engine/model/clip-vit/checkpoint';
import { openCheckpoint } from '../engine/model/clip-vit/open-checkpoint';
import { summarize } from '../engine/model/clip-vit/summary';
import { checkPool } from '../engine/model/clip-vit/pool';
import { createRng } from '../engine/random';
import { patchWasmTransposedMatMul } from '../engine/train/wasm-matmul';
import { GOLDEN_TOLERANCE, type EngineApi, type EngineFile, type ProgressFn } from './api';
import { createExplorerMethods } from './explorer';
import { compareWithGolden } from './golden';
import { Jobs } from './jobs';
import { engineMemory } from './memory';
import { createMergeMethods } from './merges';
import { runCheckpoint } from './forward-outputs';
import { SuiteStore, type SuiteStoreOptions } from './suites';
import { TrainedStore } from './trained-store';
import { createTrainingMethods } from './train-jobs';

export interface EngineApiOptions extends SuiteStoreOptions {
  /** Absolute URLs of the three tfjs wasm binaries (the worker passes them; Node finds its own). */
  wasmPaths?: Record<string, string>;
  /** Where kept training runs go (default a new one; tests pass theirs to read the runs). */
  trained?: TrainedStore;
}

interface Entry {
  ck: Checkpoint;
  /** inputs.safetensors and golden.safetensors next to the model, when both are there. */
  golden?: { inputs: ByteSource; golden: ByteSource };
}

const GOLDEN_FILES = ['inputs.safetensors', 'golden.safetensors'];
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Rejects with plain ErrorInfo instead of whatever was thrown. */
function guarded<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (e) {
      throw toErrorInfo(e);
    }
  };
}

export function createEngineApi(opts: EngineApiOptions = {}): EngineApi {
  const open = new Map<string, Entry>();
  let nextId = 1;
  let backend: BackendName | null = null;

  const get = (id: string): Entry => {
    const e = open.get(id);
    if (!e) throw new MergelabError('engine', `No open checkpoint with id "${id}".`, 'Load the model folder again.');
    return e;
  };
  const current = (): BackendName => backend ?? (tf.getBackend() as BackendName);
  const stages = (onProgress: ProgressFn | undefined, names: string[]) => (stage: string) =>
    onProgress?.({ stage, done: Math.max(0, names.indexOf(stage)), total: names.length });
  const jobs = new Jobs(() => tf.memory().numBytes);
  const suites = new SuiteStore({ decoder: opts.decoder, fetchImpl: opts.fetchImpl, featureStore: opts.featureStore });
  const merging = createMergeMethods({ jobs, suites, checkpoint: (id) => get(id).ck });
  /** Kept training runs, next to the suites they belong to (closing a suite drops its runs). */
  const trained = opts.trained ?? new TrainedStore();
  const training = createTrainingMethods({ jobs, suites, trained });
  const explorer = createExplorerMethods({ jobs, suites, mergedModel: merging.mergedModel, trained });

  return {
    init: guarded(async (init = {}) => {
      const choice = await initBackend({ force: init.force, wasmPaths: opts.wasmPaths });
      backend = choice.backend;
      // The same kernels the CLI trains with: tfjs-wasm's transposed matMul is 6–20× slower than
      // transposing first, and every linear layer and matMul gradient asks for it (a no-op off wasm).
      patchWasmTransposedMatMul();
      return choice;
    }),

    openCheckpoint: guarded(async (name: string, files: EngineFile[]) => {
      if (files.length === 0) throw new MergelabError('checkpoint', `${name}: the folder is empty.`, 'Pick a folder with config.json and model.safetensors.');
      const source = (f: EngineFile) => blobSource(f.blob, `${name}/${f.path}`);
      const modelFiles = files.filter((f) => !GOLDEN_FILES.includes(baseName(f.path)));
      const ck = await openCheckpoint(name, modelFiles.map(source));
      const find = (file: string) => files.find((f) => baseName(f.path) === file);
      const inputs = find('inputs.safetensors');
      const golden = find('golden.safetensors');
      const id = `ck${nextId++}`;
      open.set(id, { ck, golden: inputs && golden ? { inputs: source(inputs), golden: source(golden) } : undefined });
      return { id, summary: summarize(ck), hasGolden: !!(inputs && golden) };
    }),

    closeCheckpoint: guarded(async (id: string) => {
      open.delete(id);
    }),

    checkPool: guarded(async (pretrainedId: string, expertIds: string[]) => {
      const { ok, problems } = checkPool(get(pretrainedId).ck, expertIds.map((id) => get(id).ck));
      return { ok, problems };
    }),

    runForward: guarded(async (id, fwd = {}, onProgress) => {
      const { ck } = get(id);
      const images = fwd.images ?? 2;
      const seed = fwd.seed ?? 0;
      const c = ck.config;
      const rng = createRng(seed);
      const pixels = new Float32Array(images * c.numChannels * c.imageSize * c.imageSize); // [B, C, H, W]
      for (let i = 0; i < pixels.length; i++) pixels[i] = rng.normal(); // ~ normalised pixel values
      const run = await runCheckpoint(ck, pixels, images, stages(onProgress, ['loading parameters', 'forward pass']));
      const embedsOut = run.outputs.find((o) => o.name === 'image_embeds') ?? run.outputs.find((o) => o.name === 'pooler_output')!;
      const embeds = embedsOut.values.slice(); // [B, P], its own buffer so it can be transferred
      const report = {
        backend: current(), images, seed, loadMs: run.loadMs, forwardMs: run.forwardMs,
        outputs: run.outputs.map((o) => ({ name: o.name, shape: o.shape })),
        embeds,
      };
      return Comlink.transfer(report, [embeds.buffer]);
    }),

    checkGolden: guarded(async (id, onProgress) => {
      const { ck, golden } = get(id);
      if (!golden) throw new MergelabError('golden', `${ck.name}: no inputs.safetensors and golden.safetensors next to the model.`, 'Add both files to the folder to compare against reference outputs.');
      const step = stages(onProgress, ['reading inputs', 'loading parameters', 'forward pass', 'comparing']);
      step('reading inputs');
      const inputs = await openSafetensors(golden.inputs);
      const info = inputs.tensors.get('pixel_values');
      const c = ck.config;
      const want = [c.numChannels, c.imageSize, c.imageSize];
      if (!info || info.shape.length !== 4 || !want.every((d, i) => info.shape[i + 1] === d)) {
        throw new MergelabError('golden', `${golden.inputs.name}: expected a tensor "pixel_values" of shape [B, ${want.join(', ')}], found ${info ? `[${info.shape.join(', ')}]` : 'none'}.`, 'Regenerate the inputs for this model\'s image size.');
      }
      const pixels = (await inputs.read('pixel_values')).values as Float32Array;
      const run = await runCheckpoint(ck, pixels, info.shape[0], step);
      step('comparing');
      const rows = await compareWithGolden(run.outputs, await openSafetensors(golden.golden), GOLDEN_TOLERANCE);
      onProgress?.({ stage: 'done', done: 4, total: 4 });
      return { backend: current(), tolerance: GOLDEN_TOLERANCE, forwardMs: run.forwardMs, images: info.shape[0], rows, pass: rows.length > 0 && rows.every((r) => r.pass) };
    }),

    openSuite: guarded((name, files, onProgress, job = {}) => jobs.run(job.jobId, (signal) => suites.openFiles(name, files, onProgress, signal))),
    openServedSuite: guarded((url, onProgress) => suites.openUrl(url, onProgress)),
    closeSuite: guarded(async (id) => { suites.close(id); trained.closeSuite(id); }),
    merge: guarded(merging.merge),
    mergeFiles: guarded(merging.mergeFiles),
    retrievedFiles: guarded(merging.retrievedFiles),
    closeMerge: guarded(merging.closeMerge),
    evaluate: guarded(merging.evaluate),
    analyzeTaskVectors: guarded(merging.analyzeTaskVectors),
    train: guarded(training.train),
    pauseTraining: guarded(training.pauseTraining),
    resumeTraining: guarded(training.resumeTraining),
    stopTraining: guarded(training.stopTraining),
    trainedModules: guarded(training.trainedModules),
    closeTrained: guarded(training.closeTrained),
    explorerBias: guarded(explorer.explorerBias),
    explorerFeatures: guarded(explorer.explorerFeatures),
    testImageThumbnail: guarded(explorer.testImageThumbnail),
    cancel: guarded(async (jobId) => { jobs.cancel(jobId); training.cancelTraining(jobId); }),
    memory: guarded(async () => engineMemory()),
    persistFeatures: guarded((suiteId, suiteHash) => suites.persistFeatures(suiteId, suiteHash)),
    featureCacheStats: guarded(async (suiteId) => suites.featureCacheStats(suiteId)),
  };
}
