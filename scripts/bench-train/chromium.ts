/**
 * The Chromium half of the training benchmark (`npm run bench:train -- --chromium`): ms per
 * optimiser step of every trained method in headless Debian Chromium, on the page's thread, for the
 * zoo's architecture (8 tasks, random weights made in the page) and ViT-B/32, batches as the
 * methods take them (16; AdaMerging 2 × 16 per task, Tinting 32). The page is cross-origin
 * isolated as the lab is (tfjs-wasm's threaded build, tfjs's default thread count: half the
 * cores). Three realms, one page each: WASM with the transposed-matMul kernels (the worker's setup,
 * as src/worker/engine-api.ts installs them), WASM without them, and WebGPU on SwiftShader
 * (software: the only adapter here). Page: scripts/bench-train/page.ts, bundled with esbuild.
 *
 * ViT-B/32 in the worker's realm reads the gen:vitb32 pool (`npm run gen:vitb32 -- --count 8
 * --out-dir .cache/vitb32/pool`), served by the harness, 8 tasks for AdaMerging and Tinting
 * (AdaMerging's step is one task's share of an iteration, 2 × 16 images, reported × 8 as the Node
 * rows do; Tinting batch 32), IntervMerge at batch 16; each such job on a fresh browser context,
 * its first step timed, with the peak tfjs bytes of the step (tf.profile), the page's wasm heap
 * and the peak RSS (VmHWM) of the renderer process that ran it (read from /proc: Linux only).
 * A job still running after its realm's cap is abandoned (SwiftShader compiles each new shader
 * for seconds).
 *
 *   --only-vitb32 [--methods tinting,adamerging]: only the ViT-B/32 jobs of the worker's realm (those methods').
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { withBenchPage } from '../bench-page';
import { openSuiteDir } from '../../src/engine/data/suite-dir.node.js';
import { VIT_B_32, type ClipVisionConfig } from '../../src/engine/model/clip-vit/config';
import type { Job, JobResult, Method } from './page';

const LABELS: Record<Method, string> = {
  adamerging: 'AdaMerging (layer-wise)', surgery: 'Representation Surgery (r 16)', intervmerge: 'IntervMerge (r 1)', 'intervmerge-mini': 'IntervMerge mini (r 1)', tinting: 'Model Tinting (head)',
};

interface Realm {
  label: string; backend: 'wasm' | 'webgpu'; patch: boolean;
  /** Each job on a fresh browser context (its own renderer process, so the process peak is the job's). */
  fresh?: boolean;
  /** A job still running after this many seconds is abandoned (its page closed, a fresh one goes on). */
  capSeconds: number;
  jobs: (Job | { skip: string; method: Method; model: string })[];
}

function realms(zoo: ClipVisionConfig, quick: boolean, vitOnly: boolean, methods?: Method[]): Realm[] {
  const z = (method: Method, steps: number): Job => ({ config: zoo, tasks: 8, method, images: 32, steps: quick ? 1 : steps });
  const v = (method: Method, steps: number, images = 16): Job => ({ config: VIT_B_32, tasks: 1, method, images, steps });
  // From the pool, the first step timed (no warm-up: a step takes minutes here), as the Node rows.
  const pool = (method: Method, tasks: number, images: number): Job => ({ config: VIT_B_32, tasks, method, images, steps: 1, warm: 0, pool: true });
  const slow = 'skipped: a ViT-B/32 block of 8 images takes 15–22 s on SwiftShader WebGPU, so one step of 16 would take many minutes';
  const zooAll = [z('adamerging', 2), z('surgery', 20), z('intervmerge', 3), z('intervmerge-mini', 3), z('tinting', 3)];
  const vit = [pool('intervmerge', 1, 16), pool('intervmerge-mini', 1, 16), pool('tinting', 8, 32), pool('adamerging', 8, 32)].filter((j) => !methods || methods.includes(j.method));
  const worker: Realm = { label: 'Chromium WASM + transposed-matMul patch (the worker\'s setup)', backend: 'wasm', patch: true, capSeconds: 3600, jobs: [...zooAll, v('surgery', 20)] };
  if (vitOnly) return [{ ...worker, fresh: true, jobs: vit }];
  return [
    worker,
    { label: 'Chromium WASM + transposed-matMul patch (the worker\'s setup)', backend: 'wasm', patch: true, capSeconds: 3600, fresh: true, jobs: vit },
    { label: 'Chromium WASM, no patch', backend: 'wasm', patch: false, capSeconds: 600, jobs: zooAll },
    { label: 'Chromium WebGPU (SwiftShader)', backend: 'webgpu', patch: false, capSeconds: 150, jobs: [...zooAll.map((j) => ({ ...j, steps: j.method === 'surgery' ? 10 : 1 })), v('surgery', 10),
      ...(['adamerging', 'intervmerge', 'intervmerge-mini', 'tinting'] as Method[]).map((method) => ({ skip: slow, method, model: 'vit' }))] },
  ];
}

/** The parent of a process (Linux /proc), 0 when gone. */
function parentOf(pid: number): number {
  try { return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]); } catch { return 0; }
}

/** Process ids of the renderer processes of the Chromium this process launched (Linux /proc; other sessions' browsers left out). */
function rendererPids(): Set<number> {
  const pids = new Set<number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try { if (!readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('--type=renderer')) continue; } catch { continue; }
    for (let p = Number(d), hops = 0; p > 1 && hops < 8; p = parentOf(p), hops++) if (p === process.pid) { pids.add(Number(d)); break; }
  }
  return pids;
}

/** The largest peak RSS (VmHWM, bytes) among `pids`. */
function peakRss(pids: Iterable<number>): number {
  let peak = 0;
  for (const p of pids) {
    try { peak = Math.max(peak, 1024 * Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0)); } catch { /* gone */ }
  }
  return peak;
}

const GIB = 2 ** 30;

/** Markdown rows: | where | model | method | steps timed | ms per step |. */
export async function chromiumRows(opts: { quick?: boolean; vitOnly?: boolean; methods?: Method[] } = {}): Promise<{ rows: string[]; adapter: string | null; threads: number | null }> {
  const zoo = (await openSuiteDir('public/zoo/mini8')).pretrained.config;
  return withBenchPage('scripts/bench-train/page.ts', async (browser: Browser, url) => {
    const rows: string[] = [];
    let adapter: string | null = null;
    let threads: number | null = null;
    const emit = (r: string) => { rows.push(r); process.stderr.write(`${r}\n`); };
    for (const realm of realms(zoo, !!opts.quick, !!opts.vitOnly, opts.methods)) {
      let page: Page | null = null;
      let context: BrowserContext | null = null;
      let before = new Set<number>();
      const open = async (): Promise<Page> => {
        before = rendererPids();
        context = await browser.newContext();
        const p = await context.newPage();
        p.setDefaultTimeout(0);
        await p.goto(url);
        await p.waitForFunction(() => 'benchJob' in globalThis);
        const init = await p.evaluate(([b, patch]) => (globalThis as unknown as { benchInit(b: string, p: boolean): Promise<{ adapter: string | null; threads: number }> }).benchInit(b, patch), [realm.backend, realm.patch] as const);
        if (realm.backend === 'webgpu') adapter = init.adapter;
        else threads = init.threads;
        return p;
      };
      const close = async () => {
        await context?.close().catch(() => undefined); // a wasm abort leaves the backend unusable: next job on a fresh page
        page = null;
        context = null;
      };
      for (const job of realm.jobs) {
        if ('skip' in job) { emit(`| ${realm.label} | ViT-B/32 (1 task) | ${LABELS[job.method]} | — | ${job.skip} | | | |`); continue; }
        const model = job.config !== VIT_B_32 ? 'zoo (8 tasks)' : job.pool && job.tasks > 1 ? `ViT-B/32 (${job.tasks} tasks)` : 'ViT-B/32 (1 task)';
        const share = job.pool && job.method === 'adamerging' ? job.tasks : 1; // one task's share of an iteration, × the tasks
        const warm = job.warm ?? 1;
        const what = share > 1 ? `1 task's share of the first (2 × ${job.images / 2} images), × ${share}` : `${job.images < 16 || job.pool ? `batch ${job.images}, ` : ''}${warm ? `${job.steps} after ${warm} warm-up` : `${job.steps} (the first)`}`;
        page ??= await open();
        const p = page;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const cap = new Promise<'cap'>((r) => { timer = setTimeout(() => r('cap'), realm.capSeconds * 1000); });
        const t0 = Date.now();
        try {
          const r = await Promise.race([p.evaluate((j) => (globalThis as unknown as { benchJob(j: Job): Promise<JobResult> }).benchJob(j), job), cap]);
          if (r === 'cap') {
            emit(`| ${realm.label} | ${model} | ${LABELS[job.method]} | — | not done after ${realm.capSeconds} s (warm-up + ${job.steps}), abandoned | | | |`);
            await close();
          } else {
            const ms = r.msPerStep * share;
            const mem = job.pool ? `${(r.peakBytes / GIB).toFixed(2)} | ${(r.heapBytes / GIB).toFixed(2)} | ${(peakRss([...rendererPids()].filter((x) => !before.has(x))) / GIB).toFixed(2)}` : '— | — | —';
            emit(`| ${realm.label} | ${model} | ${LABELS[job.method]} | ${what} | ${ms.toFixed(ms < 10 ? 1 : 0)} | ${mem} |`);
            process.stderr.write(`  (job wall ${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
            if (realm.fresh) await close();
          }
        } catch (e) {
          emit(`| ${realm.label} | ${model} | ${LABELS[job.method]} | ${what} | failed: ${String((e as Error).message ?? e).split('\n')[0].slice(0, 160)} | | | ${job.pool ? (peakRss([...rendererPids()].filter((x) => !before.has(x))) / GIB).toFixed(2) : ''} |`);
          await close();
        } finally {
          clearTimeout(timer);
        }
      }
      await close();
    }
    return { rows, adapter, threads };
  }, { isolated: true, dirs: { '/pool/': '.cache/vitb32/pool' } });
}
