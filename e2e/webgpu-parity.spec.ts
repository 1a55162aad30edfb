/**
 * WebGPU parity: every trained method gives the same numbers on Chromium's WebGPU (SwiftShader
 * here: software, but the same WGSL kernels a GPU runs) as on WASM, on suite-tiny (3 tasks, the
 * tiny fixtures' architecture: D 64, 2 blocks, 32² images). Two pages, one per backend, each running
 * the worker's engine API (e2e/webgpu-parity/page.ts, bundled here with esbuild, so the test page
 * stays out of the app's build); the same request and seed on both. Compared: the gradient of the
 * first optimiser update (every tensor it updates), the loss of each of the first steps (10; 3 for
 * AdaMerging, whose step takes ~60 s on SwiftShader even on this suite: 3 tasks × 2 × 16 images
 * forward and backward as thousands of small dispatches), and every tensor trained after them.
 *
 * Tolerances. Both backends compute in float32 but sum in different orders (WebGPU's tiled matMul
 * and tree reductions against XNNPACK's blocked loops), so each result carries rounding of about
 * √n·2⁻²⁴ relative per reduction of n terms, compounded through the tower's reductions and its
 * backward; softmax/entropy and LayerNorm amplify it where values nearly cancel. Measured here
 * (2026-12-06, each test prints its own): gradients within 2.5e-6 of their largest entry, losses
 * within 1.8e-5 relative. The bounds are 1e-3 relative to the largest entry of each gradient and
 * 1e-4 relative per loss: well above that noise, well below what a wrong kernel gives (a sign, a
 * transposed operand or a missing term changes entries by O(1) of their scale); the first update's
 * sign is checked too on every entry whose gradient is above 1 % of the largest. Each run ends as
 * a real one does, reading the kept modules (modules(), asynchronously) on both backends. Trained tensors:
 * Adam divides by √v, so an entry whose gradient is at noise level may step up to ±lr either way
 * (Tinting's λ, lr 1e-2, measured 2.3e-2 of the largest entry after 10 steps); they are bounded by
 * steps·lr + 1e-3 relative.
 */
import { readFile, readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { expect, test, type Page } from '@playwright/test';
import type { ParityCase, ParityRun, ParityTensor } from './webgpu-parity/page';

const SUITE = 'e2e/fixtures/suite-tiny';
const WASM_DIR = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
const GRAD_TOL = 1e-3;
const LOSS_TOL = 1e-4;

/** A method, its parameters and how many steps SwiftShader can afford (10 where it can; see the header). */
interface Case { label: string; run: ParityCase; steps: number; lr: number }
const CASES: Case[] = [
  { label: 'AdaMerging task-wise', run: { method: 'adamerging', params: { granularity: 'task' }, correction: false }, steps: 3, lr: 1e-3 },
  { label: 'AdaMerging layer-wise', run: { method: 'adamerging', params: { granularity: 'layer' }, correction: false }, steps: 3, lr: 1e-3 },
  { label: 'Representation Surgery', run: { method: 'surgery', params: {}, correction: true }, steps: 10, lr: 1e-3 },
  { label: 'IntervMerge', run: { method: 'intervmerge', params: { variant: 'full' }, correction: true }, steps: 10, lr: 1e-3 },
  { label: 'IntervMerge mini', run: { method: 'intervmerge', params: { variant: 'mini' }, correction: true }, steps: 10, lr: 1e-3 },
  // Tinting with its confidence filter (the default): the mask is computed on the device each step
  // (a synchronous read of the logits there once lost SwiftShader's device mid-run).
  { label: 'Model Tinting', run: { method: 'tinting', params: {}, correction: true }, steps: 10, lr: 1e-2 },
];

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...await filesUnder(p));
    else out.push(relative(SUITE, p));
  }
  return out;
}

/** Serves the bundled page, the tfjs wasm binaries under /wasm/ and suite-tiny under /suite/. */
async function serve(): Promise<{ server: Server; url: string }> {
  const bundle = await build({ entryPoints: ['e2e/webgpu-parity/page.ts'], bundle: true, format: 'esm', write: false, platform: 'browser', target: 'es2022', logLevel: 'error' });
  const page = bundle.outputFiles[0].text;
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    try {
      if (path === '/') { res.setHeader('content-type', 'text/html'); res.end('<!doctype html><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>'); return; }
      if (path === '/page.js') { res.setHeader('content-type', 'text/javascript'); res.end(page); return; }
      if (path.startsWith('/wasm/') && !path.includes('..')) { res.setHeader('content-type', 'application/wasm'); res.end(await readFile(join(WASM_DIR, path.slice(6)))); return; }
      if (path.startsWith('/suite/') && !path.includes('..')) { res.end(await readFile(join(SUITE, path.slice(7)))); return; }
    } catch { /* a missing file: 404 */ }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` };
}

const maxAbs = (v: number[]) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** Checks got ≈ want within tol × (want's largest entry) + floor; returns that largest difference ÷ the largest entry. */
function expectClose(got: ParityTensor, want: ParityTensor, what: string, tol: number, floor = 0): number {
  expect(got.shape, `${what} shape`).toEqual(want.shape);
  const scale = maxAbs(want.values);
  let worst = 0;
  want.values.forEach((w, i) => { worst = Math.max(worst, Math.abs(got.values[i] - w)); });
  expect(worst, `${what}: largest difference against the largest entry ${scale.toExponential(3)}`).toBeLessThanOrEqual(tol * scale + floor);
  return worst / Math.max(scale, 1e-30);
}

let server: Server;
const pages: Partial<Record<'wasm' | 'webgpu', Page>> = {};
const errors: string[] = [];

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  const s = await serve();
  server = s.server;
  const files = await filesUnder(SUITE);
  for (const backend of ['wasm', 'webgpu'] as const) {
    const page = await browser.newPage();
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`${backend} console: ${m.text()}`); });
    page.on('console', (m) => { if (process.env.PARITY_DEBUG) console.log(backend, m.text()); });
    page.on('pageerror', (e) => errors.push(`${backend} uncaught: ${e.message}`));
    await page.goto(s.url);
    await page.waitForFunction(() => 'parityRun' in globalThis);
    const init = await page.evaluate(([b, f]) => (globalThis as unknown as { parityInit(b: string, f: string[]): Promise<{ backend: string; adapter: string | null }> }).parityInit(b, f), [backend, files] as const);
    expect(init.backend).toBe(backend);
    if (backend === 'webgpu') expect(init.adapter, 'a WebGPU adapter').toBeTruthy();
    pages[backend] = page;
  }
});

test.afterAll(async () => {
  await Promise.all(Object.values(pages).map((p) => p.close()));
  server?.close();
});

test.afterEach(() => { expect(errors, 'the pages logged errors').toEqual([]); });

const run = (backend: 'wasm' | 'webgpu', c: Case): Promise<ParityRun> => pages[backend]!.evaluate(
  ([r, steps]) => (globalThis as unknown as { parityRun(r: ParityCase, s: number): Promise<ParityRun> }).parityRun(r, steps),
  [c.run, c.steps] as const,
);

for (const c of CASES) {
  test(`${c.label}: the first gradient, ${c.steps} losses and the trained tensors agree between WebGPU and WASM`, async () => {
    test.setTimeout(600_000);
    const want = await run('wasm', c);
    const got = await run('webgpu', c);
    expect(want.backend).toBe('wasm');
    expect(got.backend).toBe('webgpu');

    // The first update: the same step, the same tensors, the same gradient.
    expect(got.firstUpdate.step).toBe(want.firstUpdate.step);
    expect(got.firstUpdate.grads.length).toBe(want.firstUpdate.grads.length);
    expect(maxAbs(want.firstUpdate.grads.flatMap((g) => g.values)), 'a gradient that is not zero').toBeGreaterThan(0);
    const seen = { gradient: 0, loss: 0, trained: 0 }; // the largest relative differences, reported with the test
    want.firstUpdate.grads.forEach((w, k) => {
      const g = got.firstUpdate.grads[k];
      seen.gradient = Math.max(seen.gradient, expectClose(g, w, `gradient ${k}`, GRAD_TOL));
      const big = 0.01 * maxAbs(w.values);
      w.values.forEach((v, i) => { if (Math.abs(v) > big) expect(Math.sign(g.values[i]), `gradient ${k} [${i}] sign`).toBe(Math.sign(v)); });
    });

    // The losses of the first steps.
    expect(want.losses.length).toBe(c.steps);
    expect(got.losses.length).toBe(c.steps);
    expect(got.losses.map((l) => l === null)).toEqual(want.losses.map((l) => l === null));
    const kept = want.losses.filter((l): l is number => l !== null);
    expect(new Set(kept).size, 'losses that change from step to step').toBeGreaterThan(1);
    want.losses.forEach((w, i) => {
      if (w === null) return;
      expect(Math.abs(got.losses[i]! - w), `loss of step ${i + 1}: ${got.losses[i]} vs ${w}`).toBeLessThanOrEqual(LOSS_TOL * Math.abs(w));
      seen.loss = Math.max(seen.loss, Math.abs(got.losses[i]! - w) / Math.abs(w));
    });

    // The run's end: the kept modules, read from the device (names and shapes the same on both).
    expect(got.modules).toEqual(want.modules);
    expect(want.modules.length).toBeGreaterThan(0);

    // The trained tensors after them.
    expect(got.trained.length).toBe(want.trained.length);
    expect(want.trained.length).toBeGreaterThan(0);
    want.trained.forEach((w, k) => { seen.trained = Math.max(seen.trained, expectClose(got.trained[k], w, `trained tensor ${k}`, 1e-3, c.steps * c.lr)); });
    const report = `largest relative differences: gradient ${seen.gradient.toExponential(1)}, loss ${seen.loss.toExponential(1)}, trained tensors ${seen.trained.toExponential(1)}`;
    test.info().annotations.push({ type: 'parity', description: report });
    console.log(`${c.label}: ${report}`);
  });
}
