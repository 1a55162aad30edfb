/**
 * The tfjs backend for Node with multi-threaded WASM. tfjs-backend-wasm 4.22 turns threads off in
 * Node (its WASM_HAS_MULTITHREAD_SUPPORT flag answers false there), although its threaded SIMD
 * build is an Emscripten pthreads build that runs on worker_threads. Two things stand in the way,
 * and this file removes both while the backend initialises:
 * - it hands the pthread workers their script as a Blob URL, which Node's Worker cannot load:
 *   the worker script is written to a temporary file that loads the threaded module from its own
 *   file, and that path is served instead;
 * - its thread pool is capped at half the logical cores (read once, when the module starts), i.e.
 *   1 thread on a 2-core machine: os.cpus() reports 2 × the threads asked for meanwhile.
 * The threads run XNNPACK's pthreadpool (matMul and the convolutions); the element-wise kernels
 * stay on the calling thread. Threads: `MERGELAB_THREADS` when set, else the machine's cores.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { type BackendChoice, type BackendOptions, initBackend } from './backend';

const require = createRequire(import.meta.url);

/** The threads Node uses by default: MERGELAB_THREADS when it is a whole number ≥ 1, else the machine's cores (1 under vitest). */
export function defaultThreads(): number {
  const env = Number(process.env.MERGELAB_THREADS);
  if (Number.isInteger(env) && env >= 1) return env;
  return process.env.VITEST ? 1 : os.availableParallelism(); // unit tests stay single-threaded (shared machines, one code path)
}

/** The pthread worker script of the threaded build, loading the module from its file instead of a Blob. */
function workerScriptFile(): string {
  const main = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as { wasmWorkerContents: string };
  const find = 'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}';
  if (!wasmWorkerContents.includes(find)) throw new Error('tfjs-backend-wasm changed its pthread worker script, so Node cannot start its threads; run with MERGELAB_THREADS=1.');
  // The template literal holds real newlines inside string literals; tfjs escapes them the same way for its Blob.
  const script = wasmWorkerContents.replace(find, `if(true){importScripts(${JSON.stringify(main)})}`).replace(/\n/g, '\\n');
  const file = join(mkdtempSync(join(os.tmpdir(), 'mergelab-wasm-')), 'pthread-worker.cjs');
  writeFileSync(file, script);
  return file;
}

/**
 * initBackend for Node with `threads` WASM threads (1: the single-threaded SIMD build, as tfjs
 * does by default). The choice's wasmThreads is the pool size tfjs reports. Once per process, like
 * initBackend; call it before anything else initialises tfjs.
 */
export async function initNodeBackend(threads = defaultThreads(), opts: BackendOptions = {}): Promise<BackendChoice> {
  const n = Math.max(1, Math.floor(threads));
  if (n === 1 || opts.force || tf.getBackend() != null) return initBackend(opts); // already initialised: threads cannot change now
  const file = workerScriptFile();
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  URL.createObjectURL = (obj: Blob) => (obj instanceof Blob && obj.type === 'application/javascript' ? file : createObjectURL(obj));
  const fake = Array.from({ length: 2 * n }, () => cpus()[0]);
  os.cpus = () => fake;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(n);
  try {
    const choice = await initBackend(opts);
    if (choice.backend === 'wasm') {
      // The pool's threads wait for work forever; unreferenced, they do not keep the process alive.
      const pthreads = (tf.backend() as unknown as { wasm: { PThread?: { unusedWorkers: Worker[]; runningWorkers: Worker[] } } }).wasm.PThread;
      for (const w of [...(pthreads?.unusedWorkers ?? []), ...(pthreads?.runningWorkers ?? [])]) w.unref();
      choice.wasmThreads = getThreadsCount();
      choice.reasons.push(`Node: ${choice.wasmThreads} WASM thread${choice.wasmThreads > 1 ? 's' : ''} (MERGELAB_THREADS sets the count)`);
    }
    return choice;
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
}
