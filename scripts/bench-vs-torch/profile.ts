/**
 * Where a ViT-B/32 forward pass spends its time, per kernel kind: runs one warm-up pass, then one
 * pass under tf.profile (each kernel timed by the backend; outputs read back) on the random-weight
 * checkpoint of `gen:vitb32`, and prints a Markdown table of milliseconds and shares per kernel name
 * (BatchMatMul, Softmax, Transpose, …), largest first, with the wall time for comparison.
 *
 *   npx tsx scripts/bench-vs-torch/profile.ts [--batch 8] [--threads N]
 */
import * as tf from '@tensorflow/tfjs';
import { availableParallelism, loadavg } from 'node:os';
import { VIT_B_32 } from '../../src/engine/model/clip-vit/config';
import { clipVisionForward, disposeOutput } from '../../src/engine/model/clip-vit/forward';
import { loadParams } from '../../src/engine/model/clip-vit/load';
import { openCheckpointPath } from '../../src/engine/model/clip-vit/open-checkpoint-path.node.js';
import { createRng } from '../../src/engine/random';
import { initNodeBackend } from '../../src/engine/wasm-threads.node.js';
import { writeCheckpoint } from '../gen-vitb32';

const argv = process.argv.slice(2);
const num = (k: string, d: number) => { const i = argv.indexOf(k); return i >= 0 ? Number(argv[i + 1]) : d; };
const B = num('--batch', 8);
const threads = num('--threads', availableParallelism());
const dir = '.cache/vitb32/pool/pretrained';
await writeCheckpoint(dir, VIT_B_32, 0, 0);
const choice = await initNodeBackend(threads);
const params = await loadParams(await openCheckpointPath(dir));
const rng = createRng(1);
const px = tf.tensor4d(Float32Array.from({ length: B * 3 * 224 * 224 }, () => rng.normal()), [B, 3, 224, 224]);
const pass = async () => { const o = clipVisionForward(params, VIT_B_32, px); await o.imageEmbeds!.data(); disposeOutput(o); };
await pass();
const l0 = loadavg()[0];
const t0 = performance.now();
await pass();
const wall = performance.now() - t0;
const info = await tf.profile(pass);
const by = new Map<string, { ms: number; n: number }>();
for (const k of info.kernels) {
  const ms = await k.kernelTimeMs;
  const e = by.get(k.name) ?? { ms: 0, n: 0 };
  e.ms += typeof ms === 'number' ? ms : 0;
  e.n++;
  by.set(k.name, e);
}
const total = [...by.values()].reduce((s, e) => s + e.ms, 0);
console.log(`ViT-B/32 forward, batch ${B}, tfjs ${tf.version.tfjs} ${choice.backend} with ${choice.wasmThreads ?? 1} thread(s), load average ${l0.toFixed(1)}: wall ${wall.toFixed(0)} ms unprofiled, kernels ${total.toFixed(0)} ms summed under tf.profile\n`);
console.log('| kernel | calls | ms | share |\n|---|---|---|---|');
for (const [name, e] of [...by].sort((a, b) => b[1].ms - a[1].ms)) console.log(`| ${name} | ${e.n} | ${e.ms.toFixed(0)} | ${((100 * e.ms) / total).toFixed(1)} % |`);
