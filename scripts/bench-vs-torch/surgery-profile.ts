/**
 * Where one Representation Surgery step's time goes: the step of src/engine/trained/surgery.ts
 * on cached features [16, P] (the zoo's P = 64 by default), timed over many steps, then one step
 * under tf.profile with its kernels counted and summed per name.
 *
 *   npx tsx scripts/bench-vs-torch/surgery-profile.ts [--threads N] [--dim P] [--steps S]
 */
import * as tf from '@tensorflow/tfjs';
import { loadavg } from 'node:os';
import { resolveTrainedParams } from '../../src/engine/catalogue';
import { randomHead } from '../../src/engine/data/tiny-suite.node.js';
import { createRng } from '../../src/engine/random';
import { SurgeryModel } from '../../src/engine/trained/surgery';
import { initNodeBackend } from '../../src/engine/wasm-threads.node.js';

const arg = (k: string, d: number) => { const i = process.argv.indexOf(k); return i > 0 ? Number(process.argv[i + 1]) : d; };
const threads = arg('--threads', 2);
const P = arg('--dim', 64);
const steps = arg('--steps', 200);
const T = 8;
const choice = await initNodeBackend(threads);
const rng = createRng(6);
const z = Float32Array.from({ length: 16 * P }, () => rng.normal());
const individual = z.map((v) => v + 0.1 * rng.normal());
const head = { task: 't', numClasses: 10, dim: P, weight: randomHead(10, P, 3) };
const m = new SurgeryModel(Array.from({ length: T }, (_, t) => ({ name: `t${t}`, head, n: 16, merged: z, individual })), resolveTrainedParams('surgery'), 100, createRng(5));
for (let i = 0; i < 2 * T; i++) await m.step(i); // every task's Adam slots exist
const l0 = loadavg()[0].toFixed(1);
const t0 = performance.now();
for (let i = 0; i < steps; i++) await m.step(i);
const ms = (performance.now() - t0) / steps;
const prof = await tf.profile(async () => { await m.step(0); });
const per = new Map<string, { n: number; ms: number }>();
for (const k of prof.kernels) { const e = per.get(k.name) ?? { n: 0, ms: 0 }; e.n++; e.ms += Number(k.kernelTimeMs) || 0; per.set(k.name, e); }
console.log(`${choice.backend} ${choice.wasmThreads ?? 1} thread(s), P ${P}: ${ms.toFixed(3)} ms/step over ${steps} steps (load ${l0}–${loadavg()[0].toFixed(1)}); one step: ${prof.kernels.length} kernels, ${prof.newTensors} new tensors`);
for (const [k, e] of [...per].sort((a, b) => b[1].ms - a[1].ms)) console.log(`  ${k.padEnd(20)} ${String(e.n).padStart(3)} ${e.ms.toFixed(3)} ms`);
m.dispose();
