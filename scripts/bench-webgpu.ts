/**
 * `npm run --silent bench:webgpu`: the engine on WebGPU in headless Chromium at CLIP ViT-B/32
 * shapes — forward images/s, evaluation images/s, and ms per optimiser step of every trained
 * method with the step's peak tfjs bytes and the WebGPU buffer pool's bytes. Random weights of
 * `gen:vitb32` (pretrained + one expert per task) are written to a fresh temp dir (removed at the
 * end; `--pool DIR` reuses a folder instead), served to the page (scripts/bench-webgpu/page.ts,
 * bundled with esbuild) with the tfjs wasm binaries. Each method runs on its own page, so the GPU
 * bytes are its own. Installs nothing and reads nothing outside the clone but Chromium
 * (CHROME_PATH, else /usr/bin/chromium) and the temp dir.
 *
 * Without a WebGPU adapter it says so and measures WASM instead (labelled); on a software adapter
 * (SwiftShader, what Chromium offers without a GPU) it warns that the figures are not GPU speeds.
 *
 *   npm run --silent bench:webgpu -- [--tasks 8] [--batch 16] [--methods adamerging,surgery,intervmerge,intervmerge-mini,tinting]
 *       [--forward-batches 8,32] [--runs 3] [--eval-images 256] [--eval-batch 32] [--steps 2] [--cap 1800]
 *       [--backend webgpu|wasm] [--software] [--layers 12] [--pool DIR]
 *
 * --tasks: tasks (experts) for AdaMerging and Tinting (the others train per task; 1 task is timed).
 * --batch: images per batch (the methods' own 16 by default; Tinting takes 2×). --steps: timed steps
 * after one warm-up step (0: time the first step, shader compilation included). --cap: seconds
 * before a job is abandoned. --software: Chromium's SwiftShader for WebGPU and GL (what the e2e
 * suite uses); without it Chromium looks for the hardware GPU (Vulkan) first. --layers: blocks of
 * the tower (ViT-B/32's widths, fewer of its 12 blocks) for smoke runs where a full tower is too
 * slow (SwiftShader: ~2 min per image); the output names the depth. --pool DIR: checkpoints already
 * written there (pretrained, expert-1..N) at that depth.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { VIT_B_32 } from '../src/engine/model/clip-vit/config';
import { writeCheckpoint } from './gen-vitb32';
import type { Method, StepResult } from './bench-webgpu/page';

const METHODS: readonly Method[] = ['adamerging', 'surgery', 'intervmerge', 'intervmerge-mini', 'tinting'];

const WASM_DIR = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
const QUIET = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const HARDWARE = ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--ignore-gpu-blocklist', '--enable-unsafe-swiftshader', ...QUIET];
const SOFTWARE = ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', ...QUIET];
const LABELS: Record<Method, string> = {
  adamerging: 'AdaMerging (layer-wise)', surgery: 'Representation Surgery (r 16)', intervmerge: 'IntervMerge (r 1)', 'intervmerge-mini': 'IntervMerge mini (r 1)', tinting: 'Model Tinting (head)',
};
const GiB = 2 ** 30;

interface Options {
  tasks: number; batch: number; methods: Method[]; forwardBatches: number[]; runs: number; evalImages: number; evalBatch: number;
  steps: number; cap: number; backend: 'webgpu' | 'wasm'; software: boolean; pool: string | null; layers: number;
}

function usage(problem: string): never {
  process.stderr.write(`bench:webgpu: ${problem}\nusage: npm run --silent bench:webgpu -- [--tasks N] [--batch B] [--methods ${METHODS.join(',')}] [--forward-batches 8,32] [--runs N] [--eval-images N] [--eval-batch N] [--steps N] [--cap S] [--backend webgpu|wasm] [--software] [--layers N] [--pool DIR]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { tasks: 8, batch: 16, methods: [...METHODS], forwardBatches: [8, 32], runs: 3, evalImages: 256, evalBatch: 32, steps: 2, cap: 1800, backend: 'webgpu', software: false, pool: null, layers: VIT_B_32.numLayers };
  const whole = (a: string, v: string, min: number) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min) usage(`${a} needs a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--tasks') o.tasks = whole(a, value(), 1);
    else if (a === '--batch') o.batch = whole(a, value(), 1);
    else if (a === '--runs') o.runs = whole(a, value(), 1);
    else if (a === '--eval-images') o.evalImages = whole(a, value(), 0);
    else if (a === '--eval-batch') o.evalBatch = whole(a, value(), 1);
    else if (a === '--steps') o.steps = whole(a, value(), 0);
    else if (a === '--cap') o.cap = whole(a, value(), 1);
    else if (a === '--layers') o.layers = whole(a, value(), 1);
    else if (a === '--forward-batches') o.forwardBatches = value().split(',').filter(Boolean).map((v) => whole(a, v, 1));
    else if (a === '--methods') {
      const m = value().split(',').filter(Boolean);
      const bad = m.filter((x) => !METHODS.includes(x as Method));
      if (bad.length) usage(`unknown method ${bad.join(', ')} (one of ${METHODS.join(', ')})`);
      o.methods = m as Method[];
    } else if (a === '--backend') {
      const v = value();
      if (v !== 'webgpu' && v !== 'wasm') usage(`--backend is webgpu or wasm, got ${JSON.stringify(v)}`);
      o.backend = v;
    } else if (a === '--software') o.software = true;
    else if (a === '--pool') o.pool = value();
    else usage(`unknown argument ${a}`);
  }
  return o;
}

/** Serves the page, the wasm binaries under /wasm/ and the pool's checkpoint folders under /pool/. */
async function serve(pool: string): Promise<{ url: string; close(): void }> {
  const bundle = await build({ entryPoints: ['scripts/bench-webgpu/page.ts'], bundle: true, format: 'esm', write: false, platform: 'browser', target: 'es2022', logLevel: 'error' });
  const script = bundle.outputFiles[0].text;
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/') { res.setHeader('content-type', 'text/html'); res.end('<!doctype html><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>'); return; }
    if (path === '/page.js') { res.setHeader('content-type', 'text/javascript'); res.end(script); return; }
    try {
      if (path.startsWith('/wasm/') && !path.includes('..')) { res.setHeader('content-type', 'application/wasm'); res.end(await readFile(join(WASM_DIR, path.slice(6)))); return; }
      if (path.startsWith('/pool/') && !path.includes('..')) {
        const file = join(pool, path.slice(6));
        res.setHeader('content-length', String((await stat(file)).size));
        createReadStream(file).pipe(res);
        return;
      }
    } catch { /* missing: 404 */ }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, close: () => server.close() };
}

type Init = { backend: string; adapter: string | null; software: boolean | null; reasons: string[]; threads: number | null };
const call = <T>(page: Page, fn: string, ...args: unknown[]): Promise<T> =>
  page.evaluate(([f, a]) => (globalThis as unknown as Record<string, (...x: unknown[]) => Promise<unknown>>)[f as string](...(a as unknown[])), [fn, args] as const) as Promise<T>;

/** A fresh page on `backend`; throws when that backend does not start. */
async function openPage(browser: Browser, url: string, backend: string): Promise<{ page: Page; init: Init }> {
  const page = await browser.newPage();
  page.setDefaultTimeout(0);
  await page.goto(url);
  await page.waitForFunction(() => 'benchMethod' in globalThis);
  try {
    const init = await call<Init>(page, 'benchInit', backend);
    if (init.backend !== backend) throw new Error(init.reasons.join('; '));
    return { page, init };
  } catch (e) {
    await page.close();
    throw e;
  }
}

/** `job`, or 'cap' when it is still running after `seconds`. */
async function capped<T>(job: Promise<T>, seconds: number): Promise<T | 'cap'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([job, new Promise<'cap'>((r) => { timer = setTimeout(() => r('cap'), seconds * 1000); })]);
  } finally {
    clearTimeout(timer);
  }
}

const gib = (b: number | null) => (b === null ? '—' : (b / GiB).toFixed(2));
const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n').slice(0, process.env.BENCH_STACK ? 12 : 1).join(' ← ').slice(0, process.env.BENCH_STACK ? 2000 : 200);

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const say = (s: string) => process.stderr.write(`${s}\n`);
  const pool = o.pool ?? await mkdtemp(join(tmpdir(), 'mergelab-bench-webgpu-'));
  const experts = o.methods.some((m) => m === 'adamerging' || m === 'tinting') ? o.tasks : 0;
  say(`writing random ViT-B/32 checkpoints${o.layers !== VIT_B_32.numLayers ? ` cut to ${o.layers} of 12 blocks` : ''} (pretrained + ${experts} experts) to ${pool} …`);
  const config = { ...VIT_B_32, numLayers: o.layers };
  for (let k = 0; k <= experts; k++) await writeCheckpoint(join(pool, k ? `expert-${k}` : 'pretrained'), config, 0, k);
  const server = await serve(pool);
  const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: o.software ? SOFTWARE : HARDWARE });
  const out: string[] = [];
  try {
    let backend: string = o.backend;
    let first: { page: Page; init: Init };
    try {
      first = await openPage(browser, server.url, backend);
    } catch (e) {
      if (backend !== 'webgpu') throw e;
      say(`WebGPU did not start in this Chromium (${firstLine(e)}): no usable adapter. Measuring WASM instead; the figures below are CPU figures. On a machine with a GPU, check its Vulkan driver (chrome://gpu), or run with --software for SwiftShader.`);
      out.push('**No WebGPU adapter: these are WASM (CPU) figures.**\n');
      backend = 'wasm';
      first = await openPage(browser, server.url, backend);
    }
    const { init } = first;
    const where = backend === 'webgpu' ? `WebGPU, adapter "${init.adapter ?? 'unknown'}"${init.software ? ' (software: a CPU rasteriser, NOT GPU speed)' : ''}` : `WASM (${init.threads ?? 1} thread${init.threads === 1 ? '' : 's'}, transposed-matMul kernels)`;
    if (init.software) say('warning: the WebGPU adapter is a software renderer (SwiftShader): the figures are not GPU speeds.');
    out.push(`${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'} (load average ${loadavg()[0].toFixed(1)} at the start), headless Chromium ${browser.version()}, tfjs ${tf.version.tfjs}, ${where}.`);
    out.push(`\`npm run --silent bench:webgpu -- ${process.argv.slice(2).join(' ')}\`${o.layers !== VIT_B_32.numLayers ? ` — ViT-B/32 widths with ${o.layers} of its 12 blocks` : ''}\n`);

    // Forward and evaluation on the first page.
    let page: Page | null = first.page;
    out.push('| forward batch | first pass (ms) | median of ' + o.runs + ' (ms) | images/s | GPU pool GiB |\n|---|---|---|---|---|');
    for (const b of o.forwardBatches) {
      try {
        const r = await capped(call<{ firstMs: number; ms: number; imagesPerSecond: number; gpuBytes: number | null }>(page, 'benchForward', b, o.runs), o.cap);
        out.push(r === 'cap' ? `| ${b} | — | not done after ${o.cap} s | — | — |` : `| ${b} | ${r.firstMs.toFixed(0)} | ${r.ms.toFixed(0)} | ${r.imagesPerSecond.toFixed(2)} | ${gib(r.gpuBytes)} |`);
        if (r === 'cap') break;
      } catch (e) {
        out.push(`| ${b} | — | failed: ${firstLine(e)} | — | — |`);
        break;
      } finally {
        say(out.at(-1)!);
      }
    }
    if (o.evalImages > 0) {
      out.push(`\n| evaluation | images | batch | seconds | images/s |\n|---|---|---|---|---|`);
      try {
        const r = await capped(call<{ ms: number; imagesPerSecond: number }>(page, 'benchEval', o.evalImages, o.evalBatch), o.cap);
        out.push(r === 'cap' ? `| uint8 224² → preprocess → forward → top-1 | ${o.evalImages} | ${o.evalBatch} | not done after ${o.cap} s | — |` : `| uint8 224² → preprocess → forward → top-1 | ${o.evalImages} | ${o.evalBatch} | ${(r.ms / 1000).toFixed(1)} | ${r.imagesPerSecond.toFixed(2)} |`);
      } catch (e) {
        out.push(`| evaluation | ${o.evalImages} | ${o.evalBatch} | failed: ${firstLine(e)} | — |`);
      }
      say(out.at(-1)!);
    }
    await page.close();
    page = null;

    // Each method on its own page.
    out.push(`\n| method | batch | steps timed | first step (ms) | ms per step | peak tfjs GiB | GPU pool GiB |\n|---|---|---|---|---|---|---|`);
    for (const m of o.methods) {
      const T = m === 'adamerging' || m === 'tinting' ? o.tasks : 1;
      let p: Page | null = null;
      try {
        p = (await openPage(browser, server.url, backend)).page;
        const r = await capped(call<StepResult>(p, 'benchMethod', m, T, o.batch, o.steps), o.cap);
        out.push(r === 'cap'
          ? `| ${LABELS[m]} | ${T} task${T > 1 ? 's' : ''}, batch ${o.batch} | — | — | not done after ${o.cap} s | — | — |`
          : `| ${LABELS[m]} | ${r.batch} | ${r.stepsTimed ? `${r.stepsTimed} after 1 warm-up` : '1 (the first)'} | ${r.firstMs.toFixed(0)} | ${r.msPerStep.toFixed(r.msPerStep < 10 ? 1 : 0)} | ${gib(r.peakTensorBytes)} | ${gib(r.gpuBytes)} |`);
      } catch (e) {
        out.push(`| ${LABELS[m]} | ${T} task${T > 1 ? 's' : ''}, batch ${o.batch} | — | — | failed: ${firstLine(e)} | — | — |`);
      } finally {
        await p?.close().catch(() => undefined);
        say(out.at(-1)!);
      }
    }
  } finally {
    await browser.close();
    server.close();
    if (!o.pool) await rm(pool, { recursive: true, force: true });
  }
  console.log(out.join('\n'));
}

await main();
