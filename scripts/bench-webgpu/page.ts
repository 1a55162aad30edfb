/**
 * Browser side of `npm run bench:webgpu` (scripts/bench-webgpu.ts bundles it with esbuild and
 * serves it with the tfjs wasm binaries and the random ViT-B/32 pool it generated): starts the
 * engine as the worker does (createEngineApi().init: backend choice, and on WASM the
 * transposed-matMul kernels), reads the pool's checkpoints over HTTP, and times on the page's
 * backend: the vision forward pass (images/s), the evaluation pass (computeFeatures over uint8
 * images, preprocessing and read-back included, then the head's top-1), and one optimiser step of
 * each trained method built from the engine's own classes (ms/step, the step's peak tfjs bytes from
 * tf.profile, and on WebGPU the bytes its buffer pool holds).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { BackendName } from '../../src/engine/backend';
import { resolveTrainedParams } from '../../src/engine/catalogue';
import { arrayImages } from '../../src/engine/data/task-images';
import { computeFeatures } from '../../src/engine/eval/features';
import { fetchSource } from '../../src/engine/io/fetch-source';
import type { Checkpoint } from '../../src/engine/model/clip-vit/checkpoint';
import { type ClipVisionConfig, VIT_B_32 } from '../../src/engine/model/clip-vit/config';
import { clipVisionForward } from '../../src/engine/model/clip-vit/forward';
import { loadParams } from '../../src/engine/model/clip-vit/load';
import { openCheckpoint } from '../../src/engine/model/clip-vit/open-checkpoint';
import type { ClassificationHead } from '../../src/engine/model/heads';
import { type ParamMap, disposeParams } from '../../src/engine/params/param-map';
import { createRng } from '../../src/engine/random';
import { PixelBank } from '../../src/engine/train/data';
import { AdaMergingModel } from '../../src/engine/trained/adamerging';
import { MergeCoefficients } from '../../src/engine/trained/coefficients';
import { IntervMergeModel } from '../../src/engine/trained/intervmerge';
import { predictFrozen } from '../../src/engine/trained/losses';
import { SurgeryModel } from '../../src/engine/trained/surgery';
import { TintingModel } from '../../src/engine/trained/tinting';
import type { TrainedModel } from '../../src/engine/trained/types';
import { createEngineApi } from '../../src/worker/engine-api';

export type Method = 'adamerging' | 'surgery' | 'intervmerge' | 'intervmerge-mini' | 'tinting';
export interface StepResult { msPerStep: number; stepsTimed: number; firstMs: number; batch: string; peakTensorBytes: number; gpuBytes: number | null }
export interface Memory { tensorBytes: number; gpuBytes: number | null }

const C = 10; // classes per task head
const P = VIT_B_32.projectionDim!;
const S = VIT_B_32.imageSize;
const wasmPaths = Object.fromEntries(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f) => [f, new URL(`/wasm/${f}`, location.href).href]));
const rng = createRng(0);
const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
const u8 = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rng.next() * 256));

function head(task: string): ClassificationHead {
  const w = normal(C * P);
  for (let c = 0; c < C; c++) {
    const row = w.subarray(c * P, (c + 1) * P);
    const norm = Math.hypot(...row);
    row.forEach((v, i) => { row[i] = v / norm; });
  }
  return { task, numClasses: C, dim: P, weight: w };
}

/** Bytes on the device: tfjs's tensors, and on WebGPU the buffers its pool holds (kept for reuse, so a running peak). */
function memory(): Memory {
  const m = tf.memory() as tf.MemoryInfo & { numBytesAllocatedInGPU?: number };
  return { tensorBytes: m.numBytes, gpuBytes: m.numBytesAllocatedInGPU ?? null };
}

const checkpoints = new Map<string, Checkpoint>();
async function checkpoint(name: string): Promise<Checkpoint> {
  let ck = checkpoints.get(name);
  if (!ck) {
    ck = await openCheckpoint(name, await Promise.all(['config.json', 'model.safetensors'].map((f) => fetchSource(`/pool/${name}/${f}`, `${name}/${f}`))));
    checkpoints.set(name, ck);
  }
  return ck;
}

let pretrainedParams: ParamMap | null = null;
const params = async () => (pretrainedParams ??= await loadParams(await checkpoint('pretrained')));
/** The pool's architecture: ViT-B/32, or its widths with fewer blocks (--layers). */
const config = async (): Promise<ClipVisionConfig> => (await checkpoint('pretrained')).config;

const g = globalThis as unknown as Record<string, unknown>;

/** The engine's own start-up, as in the worker; `backend` forced. */
g.benchInit = async (backend: BackendName) => {
  const choice = await createEngineApi({ wasmPaths }).init({ force: backend });
  return { backend: tf.getBackend(), adapter: choice.adapter ?? null, software: choice.softwareAdapter ?? null, reasons: choice.reasons, threads: choice.wasmThreads ?? null };
};

/** Forward images/s at one batch size: one warm-up pass (shader compilation), then `runs` timed ones, outputs read back. */
g.benchForward = async (batch: number, runs: number) => {
  const p = await params();
  const cfg = await config();
  const once = async () => {
    const t0 = performance.now();
    const z = tf.tidy(() => clipVisionForward(p, cfg, tf.tensor4d(normal(batch * 3 * S * S), [batch, 3, S, S])).imageEmbeds!);
    await z.data();
    z.dispose();
    return performance.now() - t0;
  };
  const firstMs = await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)];
  return { firstMs, ms, imagesPerSecond: (1000 * batch) / ms, ...memory() };
};

/** Evaluation images/s: the engine's evaluation pass over `n` uint8 224² images (preprocessing, forward, read-back) and the head's top-1. */
g.benchEval = async (n: number, batchSize: number) => {
  const p = await params();
  const images = arrayImages('t', 'random', u8(n * S * S * 3), [n, S, S, 3], new Int32Array(n), C);
  const h = head('t');
  const t0 = performance.now();
  const f = await computeFeatures(p, await config(), images, { batchSize });
  predictFrozen(f.z, f.n, h, 100);
  const ms = performance.now() - t0;
  return { ms, imagesPerSecond: (1000 * n) / ms, ...memory() };
};

/** One trained method at ViT-B/32 shapes on T tasks, batch B: one warm-up step, then `steps` timed ones. */
async function build(method: Method, T: number, B: number): Promise<{ model: TrainedModel; batch: string; dispose(): void }> {
  const names = Array.from({ length: T }, (_, t) => `t${t}`);
  const heads = names.map(head);
  const cfg = await config();
  // Each method draws batches of min(16, n) (Tinting min(32, n)) from n images per task: n = B gives batches of B (16 at the default), Tinting 2B.
  const bank = async (n: number) => PixelBank.load(arrayImages('t', 'random', u8(n * S * S * 3), [n, S, S, 3], new Int32Array(n), C), S);
  if (method === 'surgery') {
    const feats = () => normal(B * P);
    const m = new SurgeryModel(names.map((name, t) => ({ name, head: heads[t], n: B, merged: feats(), individual: feats() })), resolveTrainedParams('surgery'), 100, rng);
    return { model: m, batch: `${Math.min(16, B)} cached features`, dispose: () => m.dispose() };
  }
  if (method === 'intervmerge' || method === 'intervmerge-mini') {
    const weights = await loadParams(await checkpoint('pretrained')); // the frozen merge under the interventions: its values do not change the cost
    const b = await bank(B);
    const m = new IntervMergeModel({ weights }, cfg, names.map((name, t) => ({ name, head: heads[t], bank: b, teacher: normal(B * P) })),
      resolveTrainedParams('intervmerge', { variant: method === 'intervmerge' ? 'full' : 'mini' }), 100, rng);
    return { model: m, batch: `${Math.min(16, B)} images`, dispose: () => { m.dispose(); disposeParams(weights); } };
  }
  const experts: Checkpoint[] = [];
  for (let t = 1; t <= T; t++) experts.push(await checkpoint(`expert-${t}`));
  const coefficients = await MergeCoefficients.fromPool(await checkpoint('pretrained'), experts, names, { granularity: 'layer' });
  if (method === 'adamerging') {
    const b = await bank(B);
    const m = new AdaMergingModel(coefficients, cfg, names.map((name, t) => ({ name, head: heads[t], bank: b })), resolveTrainedParams('adamerging'), 100, rng);
    return { model: m, batch: `${T} tasks × 2 × ${Math.min(16, B)} images`, dispose: () => m.dispose() };
  }
  const b = await bank(2 * B);
  const m = new TintingModel(coefficients, cfg, names.map((name, t) => ({ name, head: heads[t], bank: b, individualLogits: normal(2 * B * C) })), resolveTrainedParams('tinting'), 100, rng);
  return { model: m, batch: `${Math.min(32, 2 * B)} images, ${T} tasks' λ`, dispose: () => m.dispose() };
}

g.benchMethod = async (method: Method, T: number, B: number, steps: number): Promise<StepResult> => {
  const { model, batch, dispose } = await build(method, T, B).catch((e: Error) => { throw new Error(`${e.message}\n${e.stack ?? ''}`); });
  try {
    // The first step compiles shaders and makes the first allocations; with steps = 0 it is the one timed (and profiled).
    let t0 = performance.now();
    let peak = (await tf.profile(async () => { await model.step(0); })).peakBytes;
    const firstMs = performance.now() - t0;
    if (steps > 0) peak = 0;
    t0 = performance.now();
    for (let i = 1; i <= steps; i++) peak = Math.max(peak, (await tf.profile(async () => { await model.step(i); })).peakBytes);
    const msPerStep = steps > 0 ? (performance.now() - t0) / steps : firstMs;
    return { msPerStep, stepsTimed: steps, firstMs, batch, peakTensorBytes: peak, gpuBytes: memory().gpuBytes };
  } finally {
    dispose();
  }
};

g.benchMemory = () => memory();
