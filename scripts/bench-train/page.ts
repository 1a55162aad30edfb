// Browser side of `npm run bench:train -- --chromium` (scripts/bench-train/chromium.ts bundles it
// with esbuild and serves it with the tfjs wasm binaries): builds one trained method on
// random-weight checkpoints — made in memory (the zoo's architecture), or the gen:vitb32 pool
// served by the harness and read lazily by range requests, as the worker reads dropped files — and times
// its optimiser steps on the page's tfjs backend. Every method is the engine's own class, as the
// worker trains it.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { type BackendName, initBackend } from '../../src/engine/backend';
import { AdaMergingModel } from '../../src/engine/trained/adamerging';
import { MergeCoefficients } from '../../src/engine/trained/coefficients';
import { IntervMergeModel } from '../../src/engine/trained/intervmerge';
import { resolveTrainedParams } from '../../src/engine/catalogue';
import { SurgeryModel } from '../../src/engine/trained/surgery';
import { TintingModel } from '../../src/engine/trained/tinting';
import type { TrainedModel } from '../../src/engine/trained/types';
import { arrayImages } from '../../src/engine/data/task-images';
import { type ByteSource, memorySource } from '../../src/engine/io/byte-source';
import { memorySink, writeSafetensors } from '../../src/engine/io/safetensors';
import { type ClipVisionConfig, toHfConfigJson } from '../../src/engine/model/clip-vit/config';
import type { Checkpoint } from '../../src/engine/model/clip-vit/checkpoint';
import { loadParams } from '../../src/engine/model/clip-vit/load';
import { canonicalParams } from '../../src/engine/model/clip-vit/names';
import { openCheckpoint } from '../../src/engine/model/clip-vit/open-checkpoint';
import type { ClassificationHead } from '../../src/engine/model/heads';
import { disposeParams } from '../../src/engine/params/param-map';
import { createRng } from '../../src/engine/random';
import { PixelBank } from '../../src/engine/train/data';
import { patchWasmTransposedMatMul } from '../../src/engine/train/wasm-matmul';

export type Method = 'adamerging' | 'surgery' | 'intervmerge' | 'intervmerge-mini' | 'tinting';
/**
 * tasks: the task count (AdaMerging with `pool`: the task vectors and λ rows; its step is one
 * task's share); images: each task's bank; pool: read the checkpoints from the served gen:vitb32
 * pool (pretrained, expert-1..tasks) instead of making them; warm: untimed steps before the timed ones.
 */
export interface Job { config: ClipVisionConfig; tasks: number; method: Method; images: number; steps: number; pool?: boolean; warm?: number }
/** ms per timed step; peakBytes: the peak tfjs bytes of the timed steps (tf.profile; pool jobs only, else 0); heapBytes: the wasm heap after them (it never shrinks). */
export interface JobResult { msPerStep: number; stepsTimed: number; peakBytes: number; heapBytes: number }

const wasmPaths = Object.fromEntries(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f) => [f, new URL(f, location.href).href]));
const rng = createRng(0);
const normal = (n: number, std: number) => Float32Array.from({ length: n }, () => rng.normal() * std);

/** A random-weight checkpoint (weights ~ N(0, 0.02), LayerNorm 1/0; an expert adds N(0, 0.002)) read back by the engine's recogniser. */
async function checkpoint(config: ClipVisionConfig, name: string, expert: boolean): Promise<Checkpoint> {
  const specs = canonicalParams(config);
  const sink = memorySink();
  await writeSafetensors(sink, specs.map((s) => ({ name: s.name, dtype: 'F32', shape: s.shape })), (s) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const ln = /norm|layrnorm/.test(s.name);
    const base = ln ? new Float32Array(n).fill(s.name.endsWith('weight') ? 1 : 0) : normal(n, 0.02);
    if (expert) for (let i = 0; i < n; i++) base[i] += rng.normal() * 0.002;
    return base;
  });
  const cfg = new TextEncoder().encode(JSON.stringify(toHfConfigJson(config)));
  return openCheckpoint(name, [memorySource(cfg, `${name}/config.json`), memorySource(sink.bytes(), `${name}/model.safetensors`)]);
}

function head(task: string, C: number, P: number): ClassificationHead {
  const w = normal(C * P, 1);
  for (let c = 0; c < C; c++) {
    const row = w.subarray(c * P, (c + 1) * P);
    const norm = Math.hypot(...row);
    row.forEach((v, i) => { row[i] = v / norm; });
  }
  return { task, numClasses: C, dim: P, weight: w };
}

/**
 * A served file read lazily by HTTP range requests, like the worker's File sources: nothing of
 * it is held in the page. (Whole-file Blobs would not do: a fresh browser context is off the
 * record, so its blobs live in memory, capped near 2 GB, which nine 351 MB checkpoints exceed.)
 */
async function rangeSource(url: string): Promise<ByteSource> {
  const head = await fetch(url, { method: 'HEAD' });
  if (!head.ok) throw new Error(`${url}: HTTP ${head.status} (run npm run gen:vitb32 -- --count 8 --out-dir .cache/vitb32/pool)`);
  const size = Number(head.headers.get('content-length'));
  return {
    name: url,
    size,
    async read(offset, length) {
      const r = await fetch(url, { headers: { range: `bytes=${offset}-${offset + length - 1}` } });
      const bytes = new Uint8Array(await r.arrayBuffer());
      if (r.status !== 206 || bytes.length !== length) throw new Error(`${url}: range ${offset}+${length} gave HTTP ${r.status}, ${bytes.length} bytes`);
      return bytes;
    },
  };
}

/** A checkpoint of the served gen:vitb32 pool, read lazily. */
async function poolCheckpoint(name: string): Promise<Checkpoint> {
  return openCheckpoint(name, await Promise.all(['config.json', 'model.safetensors'].map((f) => rangeSource(`/pool/${name}/${f}`))));
}

async function build(job: Job): Promise<{ model: TrainedModel; dispose: () => void }> {
  const { config, tasks: T, images: n } = job;
  const names = Array.from({ length: T }, (_, t) => `t${t}`);
  const P = config.projectionDim ?? config.hiddenSize;
  const S = config.imageSize;
  const C = 10;
  const heads = names.map((t) => head(t, C, P));
  const banks = () => Promise.all(names.map((t) => PixelBank.load(arrayImages(t, 'random', Uint8Array.from({ length: n * S * S * 3 }, () => Math.floor(rng.next() * 256)), [n, S, S, 3], new Int32Array(n), C), S)));
  if (job.method === 'surgery') {
    const m = new SurgeryModel(names.map((name, t) => ({ name, head: heads[t], n, merged: normal(n * P, 1), individual: normal(n * P, 1) })), resolveTrainedParams('surgery'), 100, rng);
    return { model: m, dispose: () => m.dispose() };
  }
  const pretrained = job.pool ? await poolCheckpoint('pretrained') : await checkpoint(config, 'pretrained', false);
  if (job.method === 'intervmerge' || job.method === 'intervmerge-mini') {
    const weights = await loadParams(pretrained); // the frozen merge (its values do not change the cost)
    const b = await banks();
    const m = new IntervMergeModel({ weights }, config, names.map((name, t) => ({ name, head: heads[t], bank: b[t], teacher: normal(n * P, 1) })),
      resolveTrainedParams('intervmerge', { variant: job.method === 'intervmerge' ? 'full' : 'mini' }), 100, rng);
    return { model: m, dispose: () => { m.dispose(); disposeParams(weights); } };
  }
  const experts = [];
  for (let t = 0; t < T; t++) experts.push(job.pool ? await poolCheckpoint(`expert-${t + 1}`) : await checkpoint(config, `expert-${t}`, true));
  const coefficients = await MergeCoefficients.fromPool(pretrained, experts, names, { granularity: 'layer' });
  // From the pool every task shares one bank (the images' values do not change the cost); AdaMerging then trains one task's share of an iteration.
  const b = job.pool ? Array(T).fill((await PixelBank.load(arrayImages('t0', 'random', Uint8Array.from({ length: n * S * S * 3 }, () => Math.floor(rng.next() * 256)), [n, S, S, 3], new Int32Array(n), C), S))) as PixelBank[] : await banks();
  const trainees = job.pool && job.method === 'adamerging' ? names.slice(0, 1) : names;
  const m = job.method === 'adamerging'
    ? new AdaMergingModel(coefficients, config, trainees.map((name, t) => ({ name, head: heads[t], bank: b[t] })), resolveTrainedParams('adamerging'), 100, rng)
    : new TintingModel(coefficients, config, names.map((name, t) => ({ name, head: heads[t], bank: b[t], individualLogits: normal(n * C, 2) })), resolveTrainedParams('tinting', { filter: false }), 100, rng);
  return { model: m, dispose: () => m.dispose() };
}

const g = globalThis as unknown as Record<string, unknown>;

/** Picks the page's backend once; `patch`: the transposed-matMul kernels (wasm only), as the CLI installs them. */
g.benchInit = async (backend: BackendName, patch: boolean) => {
  const choice = await initBackend({ force: backend, wasmPaths });
  if (tf.getBackend() !== backend) throw new Error(`backend ${backend} did not start: ${choice.reasons.join('; ')}`);
  if (patch) patchWasmTransposedMatMul();
  return { backend: tf.getBackend(), adapter: choice.adapter ?? null, threads: choice.wasmThreads ?? 1, isolated: globalThis.crossOriginIsolated === true };
};

/** `warm` warm-up steps (default 1: shader compilation, first allocations), then `steps` timed ones. */
g.benchJob = async (job: Job): Promise<JobResult> => {
  const { model, dispose } = await build(job);
  try {
    const warm = job.warm ?? 1;
    for (let i = 0; i < warm; i++) await model.step(i);
    let peakBytes = 0;
    const t0 = performance.now();
    for (let i = warm; i < warm + job.steps; i++) {
      if (job.pool) peakBytes = Math.max(peakBytes, (await tf.profile(async () => { await model.step(i); })).peakBytes); // the pool's (long) steps only: tf.profile's bookkeeping would weigh on tiny ones
      else await model.step(i);
    }
    const heapBytes = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length ?? 0;
    return { msPerStep: (performance.now() - t0) / job.steps, stepsTimed: job.steps, peakBytes, heapBytes };
  } finally {
    dispose();
  }
};
