/**
 * UMAP benchmark: time to a finished shared layout (PCA → kNN → graph → layout,
 * everything embedFeatures does) for synthetic, seeded, clustered 512-d features of 3 models, at
 * each point count, in Node (tfjs WASM) and, with --chromium, in headless Debian Chromium (the same
 * code bundled by esbuild, WASM backend, page thread). --umapjs N also times umap-js 1.4 alone
 * (`fit`, its own kNN on the raw 512-d vectors) on N points for reference.
 * Prints Markdown rows for docs/benchmarks.md ("UMAP").
 *
 *   npm run --silent bench:umap -- [--points 5000,12000] [--chromium] [--umapjs 5000]
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { UMAP } from 'umap-js';
import { initBackend } from '../src/engine/backend';
import { embedFeatures } from '../src/engine/embed/embed';
import { createRng } from '../src/engine/random';
import { withBenchPage } from './bench-page';
import { benchFeatures } from './bench-umap/data';

interface Args { points: number[]; chromium: boolean; umapjs: number }

function parseArgs(argv: string[]): Args {
  const o: Args = { points: [5000, 12000], chromium: false, umapjs: 0 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--points') o.points = argv[++i].split(',').map(Number);
    else if (argv[i] === '--chromium') o.chromium = true;
    else if (argv[i] === '--umapjs') o.umapjs = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (options: --points 5000,12000, --chromium, --umapjs N)`);
  }
  if (o.points.some((p) => !Number.isInteger(p) || p < 100)) throw new Error('--points needs whole numbers ≥ 100');
  return o;
}

const fmt = (s: number) => s.toFixed(2);
const load = () => loadavg()[0].toFixed(1);

async function chromiumRuns(points: number[]): Promise<{ points: number; wall: number; seconds: Record<string, number>; load: string }[]> {
  return withBenchPage('scripts/bench-umap/page.ts', async (browser, url) => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => 'benchUmap' in globalThis);
    const out = [];
    for (const p of points) {
      const r = await page.evaluate((n) => (globalThis as unknown as { benchUmap(n: number): Promise<{ backend: string; wall: number; seconds: Record<string, number> }> }).benchUmap(n), p);
      console.log(`chromium ${p}: ${fmt(r.wall)} s (${r.backend}; pca ${fmt(r.seconds.pca)}, knn ${fmt(r.seconds.knn)}, graph ${fmt(r.seconds.graph)}, layout ${fmt(r.seconds.layout)}), load ${load()}`);
      out.push({ points: p, wall: r.wall, seconds: r.seconds, load: load() });
    }
    return out;
  });
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const args = process.argv.slice(2);
  const command = `npm run --silent bench:umap${args.length ? ` -- ${args.join(' ')}` : ''}`;
  const choice = await initBackend();
  console.log(`node backend ${choice.backend}; ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  const rows: string[] = [];
  for (const p of o.points) {
    const sets = benchFeatures(p);
    const l0 = load();
    const t0 = performance.now();
    const layout = await embedFeatures(sets, { budget: 'all' });
    const wall = (performance.now() - t0) / 1000;
    const s = layout.seconds;
    console.log(`node ${p}: ${fmt(wall)} s (pca ${fmt(s.pca)}, knn ${fmt(s.knn)}, graph ${fmt(s.graph)}, layout ${fmt(s.layout)}), load ${l0}`);
    rows.push(`| Node (WASM) | ${layout.positions.length / 2} | ${fmt(s.pca)} | ${fmt(s.knn)} | ${fmt(s.graph)} | ${fmt(s.layout)} | **${fmt(wall)}** | ${l0} |`);
  }
  if (o.chromium) {
    for (const r of await chromiumRuns(o.points)) rows.push(`| Chromium (WASM, page) | ${r.points - (r.points % 3)} | ${fmt(r.seconds.pca)} | ${fmt(r.seconds.knn)} | ${fmt(r.seconds.graph)} | ${fmt(r.seconds.layout)} | **${fmt(r.wall)}** | ${r.load} |`);
  }
  if (o.umapjs > 0) {
    const [set] = benchFeatures(o.umapjs, 1);
    const x = Array.from({ length: set.n }, (_, i) => Array.from(set.z.subarray(i * set.dim, (i + 1) * set.dim)));
    const rng = createRng(1);
    const l0 = load();
    const t0 = performance.now();
    new UMAP({ random: () => rng.next() }).fit(x);
    const wall = (performance.now() - t0) / 1000;
    console.log(`umap-js fit ${set.n}: ${fmt(wall)} s, load ${l0}`);
    rows.push(`| umap-js 1.4 fit, raw 512-d (Node) | ${set.n} | – | – | – | – | **${fmt(wall)}** | ${l0} |`);
  }
  console.log(`\n${new Date().toISOString().slice(0, 10)}, \`${command}\`\n`);
  console.log('| where | points | PCA (s) | kNN (s) | graph (s) | layout (s) | total (s) | load |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
