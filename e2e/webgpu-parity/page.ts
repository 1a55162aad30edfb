/**
 * Browser side of e2e/webgpu-parity.spec.ts (the spec bundles it with esbuild and serves it with
 * the tfjs wasm binaries and suite-tiny; it is not part of the app's build). One page = one
 * backend, started as the worker starts it (createEngineApi().init: the backend forced as
 * ?backend= does, and on WASM the transposed-matMul kernels). Each trained method is built as
 * runExperiment builds it (its implementation's build() from the suite, on a Task Arithmetic base
 * for the corrections) and stepped `steps` times; the page hands back the gradients of the first
 * optimiser update (read as they enter Adam.apply, or HostAdam.apply for a step taken on the host:
 * every tensor updated in that step), the loss of every
 * step and every updated tensor after the last step. Everything is read back asynchronously:
 * a synchronous read on WebGPU (dataSync) goes through canvases and, in this headless Chromium,
 * has been seen to lose the device later in a training run.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { createEngineApi } from '../../src/worker/engine-api';
import type { BackendName } from '../../src/engine/backend';
import { resolveTrainedParams } from '../../src/engine/catalogue';
import { openSuite, suiteFiles, type Suite } from '../../src/engine/data/suite';
import { SuiteEvaluator } from '../../src/engine/eval/evaluate';
import { blobSource } from '../../src/engine/io/byte-source';
import { mergeToParamMap } from '../../src/engine/merge/in-memory';
import { disposeParams } from '../../src/engine/params/param-map';
import { createRng } from '../../src/engine/random';
import { Adam } from '../../src/engine/train/adam';
import { HostAdam } from '../../src/engine/train/adam-host';
import { PixelBank } from '../../src/engine/train/data';
import { trainedImplementation } from '../../src/engine/trained/registry';
import type { BaseMerge, BuildContext } from '../../src/engine/trained/types';
import { browserImageDecoder } from '../../src/browser/image-decoder';

export interface ParityTensor { shape: number[]; values: number[] }
export interface ParityCase { method: string; params: Record<string, string | number | boolean>; correction: boolean }
export interface ParityRun {
  backend: string;
  /** Step (0-based) of the first optimiser update, and the gradient of each tensor it updated, in the method's order. */
  firstUpdate: { step: number; grads: ParityTensor[] };
  /** Loss of each step (null: a step the method skipped). */
  losses: (number | null)[];
  /** Every tensor the optimiser updated, after the last step, in the order first updated. */
  trained: ParityTensor[];
  /** The kept modules read at the run's end (modules()), as "name [shape]". */
  modules: string[];
}

const wasmPaths = Object.fromEntries(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f) => [f, new URL(`/wasm/${f}`, location.href).href]));
const LIMIT = 16; // images per task: one batch of 16 (AdaMerging's 2 × 16 and Tinting's 32 draw them again)

// Every method steps through Adam.apply, or HostAdam.apply for the host-side step (Surgery, keyed
// by its variables): the gradients of every update in the first step that has one are copied, and
// every variable updated is remembered.
let first: { step: number; grads: tf.Tensor[] } | null = null;
const updated = new Set<tf.Variable>();
let currentStep = 0;
function record(v: tf.Variable, grad: () => tf.Tensor): void {
  first ??= { step: currentStep, grads: [] };
  if (first.step === currentStep) first.grads.push(tf.keep(grad()));
  updated.add(v);
}
const apply = Adam.prototype.apply;
Adam.prototype.apply = function (this: Adam, grads) {
  for (const [v, g] of grads) record(v, () => tf.clone(g));
  return apply.call(this, grads);
};
const hostApply = HostAdam.prototype.apply;
HostAdam.prototype.apply = function (this: HostAdam, key, x, g) {
  if (!(key instanceof tf.Variable)) throw new Error('parity: a HostAdam parameter that is not keyed by its variable');
  record(key, () => tf.tensor(Float32Array.from(g), key.shape));
  return hostApply.call(this, key, x, g);
};

const read = async (t: tf.Tensor): Promise<ParityTensor> => ({ shape: [...t.shape], values: Array.from(await t.data()) });
let suite: Suite;

const g = globalThis as unknown as Record<string, unknown>;

/** Starts the engine on `backend` and opens suite-tiny from the server. */
g.parityInit = async (backend: BackendName, paths: string[]) => {
  const choice = await createEngineApi({ wasmPaths }).init({ force: backend });
  if (tf.getBackend() !== backend) throw new Error(`backend ${backend} did not start: ${choice.reasons.join('; ')}`);
  const files = await Promise.all(paths.map(async (path) => ({ path, source: blobSource(await (await fetch(`/suite/${path}`)).blob(), path) })));
  suite = await openSuite(suiteFiles(files), { root: 'suite-tiny', decoder: browserImageDecoder });
  return { backend: tf.getBackend(), adapter: choice.adapter ?? null };
};

/** Builds one method on suite-tiny (seed 0, the first LIMIT images per task) and runs `steps` steps. */
g.parityRun = async (c: ParityCase, steps: number): Promise<ParityRun> => {
  first = null;
  updated.clear();
  const names = suite.manifest.tasks.map((t) => t.name);
  const ev = new SuiteEvaluator(suite);
  const images = await Promise.all(names.map((n) => suite.images(n)));
  let banks: PixelBank[] | null = null;
  let base: BaseMerge | null = null;
  if (c.correction) {
    const m = await mergeToParamMap({ pretrained: suite.pretrained, experts: [...suite.experts.values()], method: 'task_arithmetic', params: {} });
    base = { method: m.method, params: m.params, weights: m.weights, coefficients: null, key: 'task_arithmetic' };
  }
  const ctx: BuildContext = {
    suite, names, config: suite.pretrained.config, heads: names.map((n) => suite.heads.get(n)!), logitScale: suite.manifest.logitScale,
    rng: createRng(0).fork(), hiddenImages: 0, base,
    frozenFeatures: (model, t) => ev.features(model, names[t], { limit: LIMIT }),
    frozenHidden: (model, t) => ev.features(model, names[t], { limit: LIMIT, hiddenStates: true }),
    pixelBanks: async () => (banks ??= await Promise.all(images.map((im) => PixelBank.load(im, suite.pretrained.config.imageSize, LIMIT, suite.preprocessing ?? undefined)))),
    individual: () => Promise.all(names.map((n) => ev.checkpointFeatures(suite.experts.get(n)!, n, { limit: LIMIT }))),
    note: () => undefined,
  };
  const model = await trainedImplementation(c.method).build(ctx, resolveTrainedParams(c.method, c.params, 'quick'));
  try {
    const losses: (number | null)[] = [];
    for (let i = 0; i < steps; i++) {
      currentStep = i;
      losses.push(await model.step(i));
    }
    if (!first) throw new Error(`no optimiser update in ${steps} steps`);
    const f = first as { step: number; grads: tf.Tensor[] };
    const grads = await Promise.all(f.grads.map(read));
    tf.dispose(f.grads);
    const trained = await Promise.all([...updated].map(read));
    const modules = (await model.modules()).map((m) => `${m.name} [${m.shape.join(', ')}]`);
    return { backend: tf.getBackend(), firstUpdate: { step: f.step, grads }, losses, trained, modules };
  } finally {
    model.dispose();
    if (base) disposeParams(base.weights);
  }
};
