/**
 * Training-step benchmark: milliseconds per optimiser step of every trained
 * method, (1) on the demo zoo through the experiment runner (the loop's own steps/s, evaluation
 * excluded), and (2) at ViT-B/32 shapes on random weights (`npm run gen:vitb32`, reused) with
 * random 224² images, built directly from the method classes. Prints Markdown rows for
 * docs/benchmarks.md ("Training").
 * What one step is: AdaMerging one iteration (per task 2 batches of 16 forward + backward to the
 * weights, then one step); Surgery one batch of 16 cached features; IntervMerge one batch of 16
 * (forward + backward to the interventions); Tinting one batch of 32 (to λ and the head).
 *
 * At ViT-B/32 every method runs in its own child process and reports ms per step, the peak tfjs
 * bytes of the step (tf.profile), the wasm heap (it never shrinks: the process's peak) and the
 * process's peak RSS. The backward passes run section by section (train/tower-grad.ts).
 *
 *   npm run --silent bench:train -- [--skip-zoo] [--skip-vitb32] [--vitb32-tasks 8] [--batch 16]
 *   npm run --silent bench:train -- --chromium [--quick] [--only-vitb32 [--methods m1,m2]]   (the browser half: scripts/bench-train/chromium.ts)
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../src/engine/backend';
import { AdaMergingModel } from '../src/engine/trained/adamerging';
import { MergeCoefficients } from '../src/engine/trained/coefficients';
import { runExperiment } from '../src/engine/trained/experiment';
import { IntervMergeModel } from '../src/engine/trained/intervmerge';
import { resolveTrainedParams } from '../src/engine/catalogue';
import { SurgeryModel } from '../src/engine/trained/surgery';
import { TintingModel } from '../src/engine/trained/tinting';
import type { TrainedModel } from '../src/engine/trained/types';
import { openSuiteDir } from '../src/engine/data/suite-dir.node.js';
import { arrayImages } from '../src/engine/data/task-images';
import { randomHead, randomImages } from '../src/engine/data/tiny-suite.node.js';
import { openCheckpointPath } from '../src/engine/model/clip-vit/open-checkpoint-path.node.js';
import { loadParams } from '../src/engine/model/clip-vit/load';
import { disposeParams } from '../src/engine/params/param-map';
import { VIT_B_32 } from '../src/engine/model/clip-vit/config';
import { createRng } from '../src/engine/random';
import { PixelBank } from '../src/engine/train/data';
import { patchWasmTransposedMatMul } from '../src/engine/train/wasm-matmul';
import { chromiumRows } from './bench-train/chromium';
import type { Method } from './bench-train/page';
import { writeCheckpoint } from './gen-vitb32';

const ZOO: [string, object, object | null][] = [
  ['AdaMerging (layer-wise)', { method: 'adamerging', params: { iterations: 4 } }, null],
  ['Representation Surgery (r 16)', { method: 'task_arithmetic' }, { method: 'surgery', params: { iterations: 25 } }],
  ['IntervMerge (r 1)', { method: 'task_arithmetic' }, { method: 'intervmerge', params: { iterations: 3 } }],
  ['IntervMerge mini (r 1)', { method: 'task_arithmetic' }, { method: 'intervmerge', params: { iterations: 3, variant: 'mini' } }],
  ['Model Tinting (head)', { method: 'task_arithmetic' }, { method: 'tinting', params: { iterations: 4, filter: false } }],
];

async function zoo(): Promise<string[]> {
  const suite = await openSuiteDir('public/zoo/mini8');
  const rows: string[] = [];
  for (const [label, merge, correction] of ZOO) {
    let ms = 0;
    let steps = 0;
    await runExperiment(suite, { suite: 'public/zoo/mini8', merge, correction }, {
      onProgress: (_, p) => { if (p.state === 'done') { ms = (1000 * p.trainSeconds) / p.step; steps = p.step; } },
    });
    rows.push(`| zoo (8 tasks) | ${label} | ${steps} | ${ms.toFixed(1)} |`);
    process.stderr.write(`${rows.at(-1)}\n`);
  }
  return rows;
}

/** Times `steps` steps of a model after `warm` warm-up steps; ms per step and the peak tfjs bytes of the timed steps (tf.profile). */
async function time(m: TrainedModel, steps: number, warm = 1): Promise<{ ms: number; peak: number }> {
  for (let i = 0; i < warm; i++) await m.step(i);
  let peak = 0;
  const t0 = performance.now();
  for (let i = warm; i < warm + steps; i++) peak = Math.max(peak, (await tf.profile(async () => { await m.step(i); })).peakBytes);
  return { ms: (performance.now() - t0) / steps, peak };
}

const VITB32_METHODS = ['surgery', 'intervmerge', 'intervmerge-mini', 'tinting', 'adamerging'] as const;
type VitMethod = typeof VITB32_METHODS[number];
const GB = 2 ** 30;

/**
 * One method at ViT-B/32 shapes, in this process (the parent runs each in its own, so the process
 * RSS and the wasm heap, which never shrinks, are that method's): T tasks' θ0 and task vectors
 * (AdaMerging, Tinting), batch `B` per task, random 224² images (one bank shared by the tasks).
 * AdaMerging's step is timed on ONE task's share (2 × B images, against all T task vectors and
 * the [T, L] λ): its full step is T of those. Sizes in GiB (2^30 bytes).
 */
async function vitb32One(method: VitMethod, T: number, B: number): Promise<string> {
  const dir = '.cache/vitb32/pool';
  const K = method === 'tinting' || method === 'adamerging' ? T : 1;
  for (let k = 0; k <= K; k++) await writeCheckpoint(join(dir, k ? `expert-${k}` : 'pretrained'), VIT_B_32, 0, k);
  const pretrained = await openCheckpointPath(join(dir, 'pretrained'));
  const experts = await Promise.all(Array.from({ length: K }, (_, k) => openCheckpointPath(join(dir, `expert-${k + 1}`))));
  const names = experts.map((_, t) => `t${t}`);
  const rng = createRng(0);
  const heads = names.map((n, t) => ({ task: n, numClasses: 10, dim: 512, weight: randomHead(10, 512, t) }));
  const n = 2 * B;
  const bank = await PixelBank.load(arrayImages('t0', 'random', randomImages(n, 224, 224, 3, 0), [n, 224, 224, 3], new Int32Array(n), 10), 224);
  const teacher = Float32Array.from({ length: n * 512 }, () => rng.normal());
  let m: TrainedModel;
  let what: string;
  let label: string;
  let steps = 1;
  let warm = 0;
  let per = 1;
  let weights: Map<string, tf.Tensor> | null = null;
  const t0 = performance.now();
  if (method === 'surgery') {
    m = new SurgeryModel(names.map((nm, t) => ({ name: nm, head: heads[t], n, merged: teacher.map((v) => v * 0.9), individual: teacher })), resolveTrainedParams('surgery'), 100, rng);
    label = 'Representation Surgery (r 16), batch 16 of cached features';
    [steps, warm, what] = [50, 1, '50 after 1 warm-up'];
  } else if (method === 'intervmerge' || method === 'intervmerge-mini') {
    weights = await loadParams(pretrained); // the frozen "merge" under the interventions (its values do not change the cost)
    const variant = method === 'intervmerge' ? 'full' : 'mini';
    m = new IntervMergeModel({ weights }, VIT_B_32, names.map((nm, t) => ({ name: nm, head: heads[t], bank, teacher })), resolveTrainedParams('intervmerge', { variant }), 100, rng);
    label = `IntervMerge${variant === 'mini' ? ' mini' : ''} (r 1), batch ${B}`;
    what = '1 (the first)';
  } else if (method === 'tinting') {
    const c = await MergeCoefficients.fromPool(pretrained, experts, names, { granularity: 'layer' });
    process.stderr.write(`θ0 + ${T} task vectors held: ${(c.store.bytes / GB).toFixed(2)} GB (${c.store.half ? 'task vectors as halves' : 'float32'}), read in ${((performance.now() - t0) / 1000).toFixed(0)} s, peak RSS so far ${(process.resourceUsage().maxRSS * 1024 / GB).toFixed(3)} GiB\n`);
    m = new TintingModel(c, VIT_B_32, names.map((nm, t) => ({ name: nm, head: heads[t], bank, individualLogits: Float32Array.from({ length: n * 10 }, () => rng.normal()) })), resolveTrainedParams('tinting', { filter: false }), 100, rng);
    label = `Model Tinting (head), batch 32 (2 × 16), ${T} tasks' λ`;
    what = '1 (the first)';
  } else {
    const c = await MergeCoefficients.fromPool(pretrained, experts, names, { granularity: 'layer' });
    process.stderr.write(`θ0 + ${T} task vectors held: ${(c.store.bytes / GB).toFixed(2)} GB (${c.store.half ? 'task vectors as halves' : 'float32'}), read in ${((performance.now() - t0) / 1000).toFixed(0)} s, peak RSS so far ${(process.resourceUsage().maxRSS * 1024 / GB).toFixed(3)} GiB\n`);
    m = new AdaMergingModel(c, VIT_B_32, [{ name: names[0], head: heads[0], bank }], resolveTrainedParams('adamerging'), 100, rng);
    label = `AdaMerging (layer-wise), ${T} tasks, one iteration of 2 × ${B} images per task`;
    what = `1 task's share of the first, × ${T}`;
    per = T;
  }
  const r = await time(m, steps, warm);
  m.dispose();
  if (weights) disposeParams(weights);
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length ?? 0;
  const rss = process.resourceUsage().maxRSS * 1024;
  return `| ViT-B/32 | ${label} | ${what} | ${(r.ms * per).toFixed(0)} | ${(r.peak / GB).toFixed(2)} | ${(heap / GB).toFixed(2)} | ${(rss / GB).toFixed(3)} |`;
}

/** Every method at ViT-B/32, each in a child process of this script. */
function vitb32(T: number, B: number): string[] {
  const rows: string[] = [];
  for (const method of VITB32_METHODS) {
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], '--vitb32-only', method, '--vitb32-tasks', String(T), '--batch', String(B)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    const row = r.stdout.split('\n').find((l) => l.startsWith('| ViT-B/32'));
    rows.push(row ?? `| ViT-B/32 | ${method} | — | failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}) | | | |`);
    process.stderr.write(`${rows.at(-1)}\n`);
  }
  return rows;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--chromium')) {
    const start = new Date().toISOString().replace('T', ' ').slice(0, 16);
    const load0 = loadavg()[0].toFixed(1);
    const { rows, adapter, threads } = await chromiumRows({ quick: argv.includes('--quick'), vitOnly: argv.includes('--only-vitb32'), methods: argv.includes('--methods') ? argv[argv.indexOf('--methods') + 1].split(',') as Method[] : undefined });
    console.log(`${start}–${new Date().toISOString().slice(11, 16)} UTC, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'} (load average ${load0} at the start, ${loadavg()[0].toFixed(1)} at the end), headless Debian Chromium, cross-origin isolated page, tfjs ${tf.version.tfjs} wasm with ${threads ?? '?'} thread(s); WebGPU adapter: ${adapter ?? 'none'}`);
    console.log(`\`npm run --silent bench:train -- ${argv.join(' ')}\`\n`);
    console.log('| where | model | method | steps timed | ms per step | peak tfjs GiB | wasm heap GiB | renderer peak RSS GiB |\n|---|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(r);
    return;
  }
  const skip = argv.includes('--skip-vitb32');
  const skipZoo = argv.includes('--skip-zoo');
  const num = (k: string, d: number) => { const i = argv.indexOf(k); return i >= 0 ? Number(argv[i + 1]) : d; };
  const T = num('--vitb32-tasks', 8);
  const B = num('--batch', 16);
  const backend = await initBackend();
  patchWasmTransposedMatMul();
  const only = argv.indexOf('--vitb32-only');
  if (only >= 0) {
    console.log(await vitb32One(argv[only + 1] as VitMethod, T, B));
    return;
  }
  const zooRows = skipZoo ? [] : await zoo();
  const vitRows = skip ? [] : vitb32(T, B);
  console.log(`${new Date().toISOString().slice(0, 10)}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'} (load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end), Node ${process.versions.node}, tfjs ${tf.version.tfjs} ${backend.backend} (transposed-matMul patch on)`);
  console.log(`\`npm run --silent bench:train${argv.length ? ` -- ${argv.join(' ')}` : ''}\`\n`);
  if (zooRows.length) {
    console.log('| model | method | steps timed | ms per step |\n|---|---|---|---|');
    for (const r of zooRows) console.log(r);
  }
  if (vitRows.length) {
    console.log('\n| model | method | steps timed | ms per step | peak tfjs GiB | wasm heap GiB | peak RSS GiB |\n|---|---|---|---|---|---|---|');
    for (const r of vitRows) console.log(r);
  }
}

await main();
