/**
 * The browser half of the merge benchmark (not a test): the same nine random-weight ViT-B/32
 * checkpoints as scripts/bench-merge.ts, handed to the BUILT lab in headless Chromium through the
 * Models panel's real folder input, merged in the worker by clicking "Merge" (no suite: merge only),
 * timed from the click until the run is listed. Memory: the summed RSS of every process of this
 * Chromium (browser, renderer, GPU, utility), sampled every 100 ms; "merge peak" = peak − the sum
 * just before the click (the models are opened by then; their files are read lazily, so that is
 * little). Each run is removed before the next, so the worker holds one merged model at most.
 *
 *   npm run --silent bench:merge            (after its Node runs; see scripts/bench-merge.ts)
 *   npx tsx scripts/bench-merge-chromium.ts [--methods task_arithmetic,ties] [--runs 2] [--pool DIR]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, expect, type Page } from '@playwright/test';

const PORT = 4179;
const URL = `http://127.0.0.1:${PORT}/?backend=wasm`;
const LABELS: Record<string, string> = { task_arithmetic: 'Task Arithmetic', ties: 'TIES-Merging', average: 'Weight averaging', dare: 'DARE', consensus: 'Consensus (TALL masks)' };

export interface BrowserRun {
  method: string;
  seconds: number;
  inputBytes: number;
  peakBytes: number;
  baseBytes: number;
}

/** Summed RSS (bytes) of the processes whose command line names this profile folder. */
function rssOfProfile(profile: string): number {
  let sum = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(profile)) continue;
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) sum += Number(m[1]) * 1024;
    } catch { /* the process ended while we looked */ }
  }
  return sum;
}

async function waitForServer(url: string, ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { if ((await fetch(url)).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`vite preview did not answer at ${url} within ${ms / 1000} s`);
}

async function mergeOnce(page: Page, profile: string, method: string): Promise<{ seconds: number; peak: number; base: number }> {
  await page.getByTestId('method').selectOption({ label: LABELS[method] ?? method });
  const runs = page.getByTestId('merge-run');
  const before = await runs.count();
  const base = rssOfProfile(profile);
  let peak = base;
  const sampler = setInterval(() => { peak = Math.max(peak, rssOfProfile(profile)); }, 100);
  const t0 = performance.now();
  await page.getByTestId('run-merge').click();
  await expect(runs).toHaveCount(before + 1, { timeout: 600_000 });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const alert = page.getByTestId('merge-panel').getByRole('alert');
  if (await alert.count()) throw new Error(`the merge failed in the page: ${await alert.innerText()}`);
  await runs.last().getByRole('button', { name: 'remove' }).click();
  await expect(runs).toHaveCount(before);
  return { seconds, peak, base };
}

export async function benchChromium(pool: string, methods: string[], runs: number, executablePath = process.env.CHROME_PATH || '/usr/bin/chromium'): Promise<BrowserRun[]> {
  const inputBytes = readdirSync(pool).reduce((a, d) => a + statSync(join(pool, d, 'model.safetensors')).size, 0);
  const server: ChildProcess = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'], { stdio: 'ignore', detached: true });
  const profile = mkdtempSync(join(tmpdir(), 'mergelab-bench-'));
  try {
    await waitForServer(URL, 30_000);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath, headless: true,
      args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    try {
      const page = context.pages()[0] ?? await context.newPage();
      await page.goto(URL);
      await page.getByTestId('folder-input').setInputFiles(resolve(pool));
      await expect(page.getByTestId('ck-format')).toHaveCount(readdirSync(pool).length, { timeout: 120_000 });
      await expect(page.getByTestId('pool-verdict')).toContainText('All experts share', { timeout: 120_000 });
      const out: BrowserRun[] = [];
      for (const method of methods) {
        for (let r = 0; r < runs; r++) {
          const { seconds, peak, base } = await mergeOnce(page, profile, method);
          out.push({ method, seconds, inputBytes, peakBytes: peak, baseBytes: base });
          console.log(`chromium ${method} run ${r + 1}: ${seconds.toFixed(2)} s, ${(inputBytes / 1e9 / seconds).toFixed(2)} GB/s, merge peak ${((peak - base) / 1e6).toFixed(0)} MB`);
        }
      }
      return out;
    } finally {
      await context.close();
    }
  } finally {
    if (server.pid) process.kill(-server.pid);
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Markdown rows for docs/benchmarks.md. */
export function browserRows(runs: BrowserRun[]): string[] {
  const n: Record<string, number> = {};
  return runs.map((r) => `| ${r.method} | ${(n[r.method] = (n[r.method] ?? 0) + 1)} | ${r.seconds.toFixed(2)} | ${(r.inputBytes / 1e9 / r.seconds).toFixed(2)} | ${(r.peakBytes / 1e6).toFixed(0)} MB | ${((r.peakBytes - r.baseBytes) / 1e6).toFixed(0)} MB |`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name: string, d: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : d; };
  const rows = await benchChromium(arg('--pool', '.cache/vitb32/pool'), arg('--methods', 'task_arithmetic,ties').split(','), Number(arg('--runs', '2')));
  console.log('\n| method | run | seconds | input GB/s | peak RSS (all Chromium processes) | merge peak |\n|---|---|---|---|---|---|');
  for (const row of browserRows(rows)) console.log(row);
}
