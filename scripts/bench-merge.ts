/**
 * Merge benchmark at real scale (not a test): generates (or reuses) one pretrained + eight expert
 * random-weight ViT-B/32 checkpoints (scripts/gen-vitb32.ts, ~3.2 GB under .cache/vitb32/pool),
 * then times each method's streaming merge into an HF folder, each run in a fresh Node process so
 * its memory figures are its own. Per run: seconds (open checkpoints → file complete), passes over
 * the inputs, input GB/s (the nine checkpoints' bytes ÷ seconds), peak RSS of the process and the
 * merge's own peak (peak RSS − RSS just before the merge). Prints Markdown rows for
 * docs/benchmarks.md ("Merge"). The files are in the page cache after the first run (warm reads).
 *
 *   npm run --silent bench:merge -- [--methods task_arithmetic,ties] [--runs 2] [--pool .cache/vitb32/pool] [--defer-bytes N] [--node-only]
 *
 * --defer-bytes passes MergeRunOptions.deferBytes (TIES in 2 passes instead of 3, holding the merged model).
 * Then the same methods in the built lab in headless Chromium (scripts/bench-merge-chromium.ts; it
 * builds the app first); --node-only skips that half.
 */
import { spawnSync } from 'node:child_process';
import { stat, statfs } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openCheckpointPath } from '../src/engine/model/clip-vit/open-checkpoint-path.node.js';
import { VIT_B_32 } from '../src/engine/model/clip-vit/config';
import { mergeToFolder } from '../src/engine/merge/folder.node.js';
import { writeCheckpoint } from './gen-vitb32';
import { benchChromium, browserRows } from './bench-merge-chromium';

const EXPERTS = 8;
const GB = 1e9;

interface Options {
  methods: string[];
  runs: number;
  pool: string;
  out: string;
  deferBytes: number;
  /** Skip the browser half (scripts/bench-merge-chromium.ts). */
  nodeOnly: boolean;
}

interface RunResult {
  method: string;
  seconds: number;
  passes: number;
  inputBytes: number;
  bytesRead: number;
  peakRss: number;
  baseRss: number;
}

function parseArgs(argv: string[]): Options & { child: string | null } {
  const o = { methods: ['task_arithmetic', 'ties'], runs: 2, pool: '.cache/vitb32/pool', out: '.cache/bench-merge', deferBytes: 0, nodeOnly: false, child: null as string | null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--node-only') { o.nodeOnly = true; continue; }
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${argv[i]} needs a value`);
    if (argv[i] === '--methods') o.methods = v.split(',');
    else if (argv[i] === '--runs') o.runs = Number(v);
    else if (argv[i] === '--pool') o.pool = v;
    else if (argv[i] === '--out') o.out = v;
    else if (argv[i] === '--child') o.child = v;
    else if (argv[i] === '--defer-bytes') o.deferBytes = Number(v);
    else throw new Error(`unknown argument ${argv[i]} (options: --methods a,b --runs N --pool DIR --out DIR --defer-bytes N --node-only)`);
    i++;
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error('--runs needs a whole number ≥ 1');
  if (!Number.isInteger(o.deferBytes) || o.deferBytes < 0) throw new Error('--defer-bytes needs a whole number of bytes ≥ 0');
  return o;
}

const poolDirs = (pool: string) => [join(pool, 'pretrained'), ...Array.from({ length: EXPERTS }, (_, k) => join(pool, `expert-${k + 1}`))];

/** Makes sure the nine checkpoints exist (about 3.2 GB; refuses when the disk is too full). */
async function ensurePool(pool: string): Promise<void> {
  const dirs = poolDirs(pool);
  const missing = (await Promise.all(dirs.map((d) => stat(join(d, 'model.safetensors')).then(() => false, () => true)))).filter(Boolean).length;
  const fs = await statfs(resolve('.'));
  const free = fs.bavail * fs.bsize;
  const need = (missing + 1.5) * 0.36 * GB; // missing checkpoints, one merged model, slack
  if (free < need) throw new Error(`only ${(free / GB).toFixed(1)} GB free; ${missing} checkpoint(s) to generate and one merged model need ~${(need / GB).toFixed(1)} GB. Free some disk space first.`);
  for (const [k, dir] of dirs.entries()) {
    const t0 = performance.now();
    const wrote = await writeCheckpoint(dir, VIT_B_32, 0, k);
    if (wrote) console.log(`generated ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

/** One merge, in this process (the child). Samples RSS every 10 ms and at every progress event. */
async function runOne(method: string, o: Options): Promise<RunResult> {
  let peak = 0;
  const sample = () => { peak = Math.max(peak, process.memoryUsage.rss()); };
  const baseRss = process.memoryUsage.rss();
  const timer = setInterval(sample, 10);
  const t0 = performance.now();
  const [pretrained, ...experts] = await Promise.all(poolDirs(o.pool).map((d) => openCheckpointPath(d)));
  const r = await mergeToFolder(join(o.out, method), { pretrained, experts, method }, { onProgress: sample, deferBytes: o.deferBytes });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  sample();
  peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  const inputBytes = [pretrained, ...experts].reduce((a, c) => a + c.fileBytes, 0);
  return { method, seconds, passes: r.passes, inputBytes, bytesRead: r.bytesRead, peakRss: peak, baseRss };
}

function runChild(method: string, o: Options): RunResult {
  const script = fileURLToPath(import.meta.url);
  // Same Node flags as this process (tsx's loader when run through npm), a fresh heap.
  const r = spawnSync(process.execPath, [...process.execArgv, script, '--child', method, '--pool', o.pool, '--out', o.out, '--defer-bytes', String(o.deferBytes)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${method} run failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.child) {
    process.stdout.write(`${JSON.stringify(await runOne(o.child, o))}\n`);
    return;
  }
  const args = process.argv.slice(2);
  await ensurePool(o.pool);
  const rows: string[] = [];
  for (const method of o.methods) {
    for (let run = 1; run <= o.runs; run++) {
      const load = loadavg()[0].toFixed(1);
      const r = runChild(method, o);
      const gbps = r.inputBytes / GB / r.seconds;
      console.log(`${method} run ${run}: ${r.seconds.toFixed(2)} s, ${r.passes} pass(es), ${gbps.toFixed(2)} GB/s of input (${(r.bytesRead / GB / r.seconds).toFixed(2)} GB/s read over all passes), peak RSS ${mb(r.peakRss)}, merge's own peak ${mb(r.peakRss - r.baseRss)} (load average ${load})`);
      rows.push(`| ${method} | ${run} | ${r.seconds.toFixed(2)} | ${r.passes} | ${gbps.toFixed(2)} | ${mb(r.peakRss)} | ${mb(r.peakRss - r.baseRss)} | ${load} |`);
    }
  }
  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`;
  console.log(`\n${date}, ${machine}; \`npm run --silent bench:merge${args.length ? ` -- ${args.join(' ')}` : ''}\``);
  console.log('| method | run | seconds | passes | input GB/s | peak RSS | merge peak | load avg |\n|---|---|---|---|---|---|---|---|');
  console.log(rows.join('\n'));
  if (!o.nodeOnly) {
    console.log('\nChromium (the built lab; building it first)');
    if (spawnSync('npx', ['vite', 'build'], { stdio: 'ignore' }).status !== 0) throw new Error('vite build failed; run `npx vite build` to see why');
    const browser = await benchChromium(o.pool, o.methods, o.runs);
    console.log('| method | run | seconds | input GB/s | peak RSS (all Chromium processes) | merge peak |\n|---|---|---|---|---|---|');
    console.log(browserRows(browser).join('\n'));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
