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
 *   npm run --silent bench:train -- [--skip-zoo] [--skip-vitb32] [--vitb32-tasks 1]
 *   npm run --silent bench:train -- --chromium [--quick]   (the browser half: scripts/bench-train/chromium.ts)
 * Run the two parts in separate processes (--skip-vitb32, then --skip-zoo). At ViT-B/32 a backward
 * pass through the tower over 16 images of 224² aborts tfjs-wasm 4.22 in Node (its heap is 4 GB at
 * most), so there every bank holds 8 images: steps are of min(batch, 8) images (AdaMerging: 2 × 4).
 */
import * as tf from '@tensorflow/tfjs';
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

/** Times `steps` steps of a model after one warm-up step; ms per step. */
async function time(m: TrainedModel, steps: number): Promise<number> {
  await m.step(0);
  const t0 = performance.now();
  for (let i = 1; i <= steps; i++) await m.step(i);
  return (performance.now() - t0) / steps;
}

async function vitb32(T: number): Promise<string[]> {
  const dir = '.cache/vitb32/pool';
  for (let k = 0; k <= T; k++) await writeCheckpoint(join(dir, k ? `expert-${k}` : 'pretrained'), VIT_B_32, 0, k);
  const pretrained = await openCheckpointPath(join(dir, 'pretrained'));
  const experts = await Promise.all(Array.from({ length: T }, (_, k) => openCheckpointPath(join(dir, `expert-${k + 1}`))));
  const names = experts.map((_, t) => `t${t}`);
  const rng = createRng(0);
  const heads = names.map((n, t) => ({ task: n, numClasses: 10, dim: 512, weight: randomHead(10, 512, t) }));
  const bank = (t: number, n: number) => PixelBank.load(arrayImages(`t${t}`, 'random', randomImages(n, 224, 224, 3, t), [n, 224, 224, 3], new Int32Array(n), 10), 224);
  const banks = await Promise.all(names.map((_, t) => bank(t, 8)));
  const teacher = names.map(() => Float32Array.from({ length: 8 * 512 }, () => rng.normal()));
  const rows: string[] = [];
  const row = (label: string, ms: number, what: string) => {
    rows.push(`| ViT-B/32 (${T} task${T > 1 ? 's' : ''}) | ${label} | ${what} | ${ms.toFixed(0)} |`);
    process.stderr.write(`${rows.at(-1)}\n`);
  };
  const surgery = new SurgeryModel(names.map((n, t) => ({ name: n, head: heads[t], n: 8, merged: teacher[t].map((v) => v * 0.9), individual: teacher[t] })), resolveTrainedParams('surgery'), 100, rng);
  row('Representation Surgery (r 16), batch 8', await time(surgery, 50), '50 after 1 warm-up');
  surgery.dispose();
  const weights = await loadParams(pretrained); // the frozen "merge" under the interventions (its values do not change the cost)
  for (const variant of ['full', 'mini'] as const) {
    const m = new IntervMergeModel({ weights }, VIT_B_32, names.map((n, t) => ({ name: n, head: heads[t], bank: banks[t], teacher: teacher[t] })), resolveTrainedParams('intervmerge', { variant }), 100, rng);
    row(`IntervMerge${variant === 'mini' ? ' mini' : ''} (r 1), batch 8`, await time(m, 1), '1 after 1 warm-up');
    m.dispose();
  }
  disposeParams(weights);
  const small = await Promise.all(names.map((_, t) => bank(t, 4)));
  const ada = new AdaMergingModel(await MergeCoefficients.fromPool(pretrained, experts, names, { granularity: 'layer' }), VIT_B_32, names.map((n, t) => ({ name: n, head: heads[t], bank: small[t] })), resolveTrainedParams('adamerging'), 100, rng);
  row('AdaMerging (layer-wise), one iteration of 2 × 4 images per task', await time(ada, 1), '1 after 1 warm-up');
  ada.dispose();
  const tint = new TintingModel(await MergeCoefficients.fromPool(pretrained, experts, names, { granularity: 'layer' }), VIT_B_32,
    names.map((n, t) => ({ name: n, head: heads[t], bank: banks[t], individualLogits: Float32Array.from({ length: 80 }, () => rng.normal()) })), resolveTrainedParams('tinting', { filter: false }), 100, rng);
  row('Model Tinting (head), batch 8', await time(tint, 1), '1 after 1 warm-up');
  tint.dispose();
  return rows;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--chromium')) {
    const { rows, adapter } = await chromiumRows({ quick: argv.includes('--quick') });
    console.log(`${new Date().toISOString().slice(0, 10)}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'} (load average ${loadavg()[0].toFixed(1)}), headless Debian Chromium, tfjs ${tf.version.tfjs}; WebGPU adapter: ${adapter ?? 'none'}`);
    console.log(`\`npm run --silent bench:train -- ${argv.join(' ')}\`\n`);
    console.log('| where | model | method | steps timed | ms per step |\n|---|---|---|---|---|');
    for (const r of rows) console.log(r);
    return;
  }
  const skip = argv.includes('--skip-vitb32');
  const skipZoo = argv.includes('--skip-zoo');
  const ti = argv.indexOf('--vitb32-tasks');
  const T = ti >= 0 ? Number(argv[ti + 1]) : 1;
  const backend = await initBackend();
  patchWasmTransposedMatMul();
  const rows = [...(skipZoo ? [] : await zoo()), ...(skip ? [] : await vitb32(T))];
  console.log(`${new Date().toISOString().slice(0, 10)}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'} (load average ${loadavg()[0].toFixed(1)}), Node ${process.versions.node}, tfjs ${tf.version.tfjs} ${backend.backend} (transposed-matMul patch on)`);
  console.log(`\`npm run --silent bench:train${argv.length ? ` -- ${argv.join(' ')}` : ''}\`\n`);
  console.log('| model | method | steps timed | ms per step |\n|---|---|---|---|');
  for (const r of rows) console.log(r);
}

await main();
