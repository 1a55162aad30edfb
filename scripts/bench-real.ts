/**
 * Real-scale benchmark of the path a user takes with openai's CLIP ViT-B/32, FusionBench's experts
 * and Hub test splits: random weights at the real shapes (gen:vitb32 --clip-model: vision and text
 * towers, a synthetic tokenizer of the real vocabulary size), generated once under .cache/.
 *  1. Zero-shot heads for the 8 tasks (every class × template of the task registry): prompts/s
 *     and the total time, in Node (buildZeroShotHeads on the text tower, as openSuite does).
 *  2. Evaluation throughput in images/s: the vision forward and a zero-shot head at batch 16 on the
 *     best backend in Node (WASM) and in headless Chromium (WASM; WebGPU with --webgpu, which here
 *     is the SwiftShader software rasteriser, not GPU speed); decoding + preprocessing of a
 *     500×375 JPEG (SUN397's typical size) to 224² measured apart, as ms per image.
 *  3. The projected wall time of a TA8 evaluation: the first merge also scores the pretrained
 *     model and each expert on its task (3 forwards per image), later merges 1; at 100 images per
 *     task and on the full test splits (the registry's sizes).
 * Prints Markdown rows for docs/benchmarks.md ("Real scale").
 *
 *   npm run --silent bench:real -- [--prompts N] [--images N] [--no-chromium] [--webgpu] [--model DIR]
 */
import * as tf from '@tensorflow/tfjs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { defaultThreads, initNodeBackend } from '../src/engine/wasm-threads.node.js';
import { nodeImageDecoder } from '../src/engine/data/png-decoder.node.js';
import { openTextModelPath } from '../src/engine/model/clip-text/open-text-model-path.node.js';
import { VIT_B_32 } from '../src/engine/model/clip-vit/config';
import { clipVisionForward, disposeOutput } from '../src/engine/model/clip-vit/forward';
import { loadParams } from '../src/engine/model/clip-vit/load';
import { openCheckpointPath } from '../src/engine/model/clip-vit/open-checkpoint-path.node.js';
import { preprocessImage } from '../src/engine/model/clip-vit/preprocess';
import { buildZeroShotHeads } from '../src/engine/model/zero-shot-heads';
import { disposeParams } from '../src/engine/params/param-map';
import { createRng } from '../src/engine/random';
import { TASKS_8 } from '../src/engine/tasks/registry';
import { withBenchPage } from './bench-page';
import type { RealJob, RealResult } from './bench-real/page';
import { VIT_B_32_TEXT } from './gen-clip-text';
import { writeClipModel } from './gen-vitb32';

interface Args { prompts: number | null; images: number; chromium: boolean; webgpu: boolean; model: string }

function parseArgs(argv: string[]): Args {
  const a: Args = { prompts: null, images: 64, chromium: true, webgpu: false, model: '.cache/vitb32-clip/pretrained' };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--prompts') { a.prompts = Number(v); i++; } else if (argv[i] === '--images') { a.images = Number(v); i++; } else if (argv[i] === '--model') { a.model = v; i++; } else if (argv[i] === '--no-chromium') a.chromium = false;
    else if (argv[i] === '--webgpu') a.webgpu = true;
    else throw new Error(`unknown option ${argv[i]} (usage: bench:real -- [--prompts N] [--images N] [--no-chromium] [--webgpu] [--model DIR])`);
  }
  if (a.prompts !== null && !(a.prompts >= 1)) throw new Error('--prompts must be a positive number');
  if (!(a.images >= 16 && a.images % 16 === 0)) throw new Error('--images must be a multiple of 16 (the batch)');
  return a;
}

const BATCH = 16;
const fmt = (s: number) => (s < 120 ? `${s.toFixed(0)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`);

/** Zero-shot heads of the 8 tasks, or their first `cap` prompts (then the full time is projected). */
async function heads(dir: string, cap: number | null): Promise<{ prompts: number; timed: number; seconds: number; tokens: number }> {
  let tasks = TASKS_8.map((t) => ({ name: t.name, classes: t.classes, templates: t.templates }));
  const prompts = tasks.reduce((s, t) => s + t.classes.length * t.templates.length, 0);
  if (cap !== null && cap < prompts) {
    // Whole classes of the first tasks until the cap.
    const kept: typeof tasks = [];
    let n = 0;
    for (const t of tasks) {
      const fit = Math.min(t.classes.length, Math.floor((cap - n) / t.templates.length));
      if (fit <= 0) break;
      kept.push({ ...t, classes: t.classes.slice(0, fit) });
      n += fit * t.templates.length;
    }
    tasks = kept;
  }
  const timed = tasks.reduce((s, t) => s + t.classes.length * t.templates.length, 0);
  const model = await openTextModelPath(dir);
  try {
    let ids = 0;
    for (const t of tasks) for (const c of t.classes) for (const tpl of t.templates) ids += model.tokenizer.encode(tpl.split('{}').join(c)).length;
    const t0 = performance.now();
    await buildZeroShotHeads(model, tasks);
    return { prompts, timed, seconds: (performance.now() - t0) / 1000, tokens: ids / timed };
  } finally {
    model.dispose();
  }
}

async function nodeForward(dir: string, images: number): Promise<number> {
  const params = await loadParams(await openCheckpointPath(dir));
  const head = tf.randomNormal([397, 512], 0, 1, 'float32', 1);
  const one = async () => {
    const pixels = tf.randomNormal<tf.Rank.R4>([BATCH, 3, 224, 224], 0, 1, 'float32', 2);
    const out = clipVisionForward(params, VIT_B_32, pixels);
    const z = out.imageEmbeds!;
    const pred = tf.tidy(() => tf.argMax(tf.matMul(tf.div(z, tf.norm(z, 2, 1, true)), head, false, true), 1));
    await pred.data();
    tf.dispose([pixels, pred]);
    disposeOutput(out);
  };
  try {
    await one();
    const t0 = performance.now();
    for (let b = 0; b < images / BATCH; b++) await one();
    return images / ((performance.now() - t0) / 1000);
  } finally {
    disposeParams(params);
    head.dispose();
  }
}

/** ms to decode a 500×375 JPEG (quality 90) and preprocess it to 224² (resize, crop, normalise). */
async function decodeMs(): Promise<number> {
  const rng = createRng(3);
  const [w, h] = [500, 375];
  const rgba = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? 255 : Math.floor(128 + 60 * Math.sin(i / 997) + 30 * rng.next())));
  const bytes = jpeg.encode({ data: rgba, width: w, height: h }, 90).data;
  const n = 20;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) preprocessImage(await nodeImageDecoder.decode(bytes, 'bench.jpg'), 224);
  return (performance.now() - t0) / n;
}

async function chromium(jobs: RealJob[]): Promise<RealResult[]> {
  return withBenchPage(resolve('scripts/bench-real/page.ts'), async (browser, url) => {
    const out: RealResult[] = [];
    for (const job of jobs) {
      const page = await browser.newPage();
      try {
        await page.goto(url);
        await page.waitForFunction(() => 'benchReal' in globalThis);
        out.push(await page.evaluate((j) => (globalThis as unknown as { benchReal: (j: RealJob) => Promise<RealResult> }).benchReal(j), job));
      } finally {
        await page.close();
      }
    }
    return out;
  });
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const generated = await writeClipModel(a.model, VIT_B_32, VIT_B_32_TEXT, 0);
  console.error(generated ? `generated ${a.model}` : `reusing ${a.model}`);
  const choice = await initNodeBackend();
  const load = loadavg()[0].toFixed(2);
  const h = await heads(a.model, a.prompts);
  const perPrompt = h.seconds / h.timed;
  const node = await nodeForward(a.model, a.images);
  const decode = await decodeMs();
  const rows: { where: string; rate: number }[] = [{ where: `Node 20, tfjs ${choice.backend} (${defaultThreads()} threads)`, rate: node }];
  if (a.chromium) {
    const jobs: RealJob[] = [{ config: VIT_B_32, backend: 'wasm', batch: BATCH, batches: a.images / BATCH, classes: 397 }];
    if (a.webgpu) jobs.push({ config: VIT_B_32, backend: 'webgpu', batch: BATCH, batches: 1, classes: 397 });
    for (const r of await chromium(jobs)) rows.push({ where: `Chromium, tfjs ${r.backend}${r.backend === 'webgpu' ? ' (SwiftShader: software)' : ''}`, rate: r.imagesPerSecond });
  }
  const full = TASKS_8.reduce((s, t) => s + (t.hub.testSize ?? 0), 0);
  console.log(`Measured ${new Date().toISOString().slice(0, 10)}: \`npm run --silent bench:real -- ${process.argv.slice(2).join(' ')}\`, ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load ${load} at the start.\n`);
  console.log(`Zero-shot heads, 8 tasks: ${h.prompts.toLocaleString('en')} prompts; ${h.timed === h.prompts ? 'built' : `${h.timed.toLocaleString('en')} built`} in ${h.seconds.toFixed(1)} s = ${(h.timed / h.seconds).toFixed(1)} prompts/s${h.timed === h.prompts ? '' : `, all ${h.prompts.toLocaleString('en')} projected ${fmt(perPrompt * h.prompts)}`} (Node, tfjs ${choice.backend}; ${h.tokens.toFixed(1)} tokens per prompt with the synthetic tokenizer).`);
  console.log(`Decoding + preprocessing a 500×375 JPEG to 224²: ${decode.toFixed(1)} ms per image (Node, one core).\n`);
  console.log('| where | forward + head, images/s (batch 16) | TA8 at 100/task: first merge (2,400 forwards) | later merge (800) | TA8 on all test images: first merge (3 × ' + full.toLocaleString('en') + ') | later merge |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    const t = (n: number) => fmt(n / r.rate + (n * decode) / 1000);
    console.log(`| ${r.where} | ${r.rate.toFixed(2)} | ${t(2400)} | ${t(800)} | ${t(3 * full)} | ${t(full)} |`);
  }
  console.log('\nProjected times: forwards at the measured rate plus one decode + preprocess per forward (each model\'s pass reads its images again, decoding and the forward taking turns); the first merge\'s pretrained and expert features are cached for later merges; heads are built once per suite and cached.');
}

main().catch((e) => { console.error(e); process.exit(1); });
