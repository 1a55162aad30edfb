/**
 * Benchmark of the OPFS input cache (not a test): N random-weight ViT-B/32 checkpoints
 * (scripts/gen-vitb32.ts, under .cache/vitb32/pool) picked through the Models panel's folder input
 * of the BUILT lab (dist/) in headless Chromium; times (1) the copy into OPFS with hashing, from
 * the pick until every entry is listed; (2) after a reload, "Restore" until every model card is
 * ready (no file of the user's disk read); and SHA-256 through crypto.subtle per 8 MiB chunk in
 * the page (the hash the cache uses). Prints one Markdown line per figure.
 *
 *   npm run --silent bench:cache -- [--models 3] [--pool .cache/vitb32/pool] [--dist dist]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, expect } from '@playwright/test';

const PORT = 4181;
const URL_ = `http://127.0.0.1:${PORT}/?backend=wasm`;
const arg = (name: string, fallback: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : fallback; };
const pool = resolve(arg('pool', '.cache/vitb32/pool'));
const models = readdirSync(pool).sort().slice(0, Number(arg('models', '3'))).map((d) => join(pool, d));
const bytes = models.reduce((s, d) => s + readdirSync(d).reduce((t, f) => t + statSync(join(d, f)).size, 0), 0);

const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1', '--outDir', arg('dist', 'dist')], { stdio: 'ignore', detached: true });
const profile = mkdtempSync(join(tmpdir(), 'mergelab-bench-cache-'));
try {
  for (let i = 0; ; i++) {
    try { if ((await fetch(URL_)).ok) break; } catch { if (i > 120) throw new Error('vite preview did not start'); }
    await new Promise((r) => setTimeout(r, 250));
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const page = context.pages()[0] ?? await context.newPage();
  await page.goto(URL_);
  await expect(page.getByTestId('backend')).not.toHaveText(/starting/, { timeout: 60_000 });
  const entries = page.getByTestId('cache-entry');
  const cards = page.locator('[data-testid="checkpoint"][data-status="ready"]');

  let t = performance.now();
  for (const d of models) await page.getByTestId('folder-input').setInputFiles(d);
  await expect(entries).toHaveCount(models.length, { timeout: 600_000 });
  const copy = (performance.now() - t) / 1000;

  await page.reload();
  await expect(entries).toHaveCount(models.length, { timeout: 60_000 });
  t = performance.now();
  await page.getByTestId('cache-restore').click();
  await expect(cards).toHaveCount(models.length, { timeout: 600_000 });
  const restore = (performance.now() - t) / 1000;

  const { sha, fnv, write } = await page.evaluate(async () => {
    const chunk = new Uint8Array(8 * 2 ** 20);
    let t0 = performance.now();
    for (let i = 0; i < 32; i++) await crypto.subtle.digest('SHA-256', chunk);
    const sha = (32 * chunk.length) / ((performance.now() - t0) / 1000);
    // The loop of engine/hash.ts's Hash64.words (the 64-bit alternative), on the same bytes.
    const w = new Uint32Array(chunk.buffer);
    let a = 0x811c9dc5, b = 0x9747b28c;
    t0 = performance.now();
    for (let i = 0; i < 32; i++) for (let j = 0; j < w.length; j++) { a = Math.imul(a ^ w[j], 0x01000193); b = Math.imul(b ^ w[j], 0x5bd1e995) ^ (b >>> 15); }
    const fnv = (32 * chunk.length) / ((performance.now() - t0) / 1000) + 0 * (a ^ b);
    // Writing 256 MiB into an OPFS file through createWritable, 8 MiB at a time (what the copy does).
    const dir = await navigator.storage.getDirectory();
    const out = await (await dir.getFileHandle('bench-write', { create: true })).createWritable();
    t0 = performance.now();
    for (let i = 0; i < 32; i++) await out.write(chunk);
    await out.close();
    const write = (32 * chunk.length) / ((performance.now() - t0) / 1000);
    await dir.removeEntry('bench-write');
    return { sha, fnv, write };
  });
  await page.getByTestId('cache-clear').click();
  await context.close();

  const gb = bytes / 1e9;
  console.log(`Chromium ${models.length} ViT-B/32 checkpoints, ${gb.toFixed(2)} GB, load ${loadavg()[0].toFixed(1)}:`);
  console.log(`- pick → cached (open, copy into OPFS, SHA-256): ${copy.toFixed(1)} s, ${(gb / copy).toFixed(2)} GB/s`);
  console.log(`- reload → Restore → every card ready: ${restore.toFixed(1)} s`);
  console.log(`- in the page: crypto.subtle SHA-256 per 8 MiB chunk ${(sha / 1e9).toFixed(2)} GB/s, the JS 64-bit Hasher loop ${(fnv / 1e9).toFixed(2)} GB/s, OPFS createWritable ${(write / 1e9).toFixed(2)} GB/s`);
} finally {
  process.kill(-server.pid!);
  rmSync(profile, { recursive: true, force: true });
}
