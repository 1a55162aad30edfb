/**
 * A child process for wasm-threads.node.test.ts (vitest keeps its own process single-threaded):
 * starts the backend with the threads given as argv[2], multiplies seeded [64, 300] · [300, 200]
 * matrices with tf.matMul (the XNNPACK kernel the threads run) and prints
 * {"threads": n, "maxAbsDiff": d} against a float64 product computed here in plain JavaScript.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../random';
import { initNodeBackend } from '../wasm-threads.node.js';

const [M, K, N] = [64, 300, 200];
const choice = await initNodeBackend(Number(process.argv[2]));
const rng = createRng(7);
const a = Float32Array.from({ length: M * K }, () => rng.normal());
const b = Float32Array.from({ length: K * N }, () => rng.normal());
const got = await tf.matMul(tf.tensor2d(a, [M, K]), tf.tensor2d(b, [K, N])).data();
let maxAbsDiff = 0;
for (let i = 0; i < M; i++) {
  for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += a[i * K + k] * b[k * N + j];
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(s - got[i * N + j]));
  }
}
console.log(JSON.stringify({ backend: choice.backend, threads: choice.wasmThreads, maxAbsDiff }));
