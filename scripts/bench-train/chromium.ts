/**
 * The Chromium half of the training benchmark (`npm run bench:train -- --chromium`): ms per
 * optimiser step of every trained method in headless Debian Chromium, on the page's thread, for the
 * zoo's architecture (8 tasks) and ViT-B/32 (1 task), random weights, batches as the methods take
 * them (16; AdaMerging 2 × 16 per task, Tinting 32). Three realms, one page each: WASM with the
 * transposed-matMul kernels (what the CLI trains with), WASM without them (what the worker trains with), and WebGPU
 * on SwiftShader (software: the only adapter here). Page: scripts/bench-train/page.ts, bundled with
 * esbuild and served with the tfjs wasm binaries (not cross-origin isolated: 1 wasm thread, as the
 * lab gets on a 2-core machine anyway). Jobs known not to fit are skipped with the reason; at
 * ViT-B/32 IntervMerge steps take 8 images (16 abort the 4 GB wasm heap); a WebGPU job still
 * running after its cap is abandoned (SwiftShader compiles each new shader for seconds).
 */
import type { Page } from 'playwright-core';
import { withBenchPage } from '../bench-page';
import { openSuiteDir } from '../../src/engine/data/suite-dir.node.js';
import { VIT_B_32, type ClipVisionConfig } from '../../src/engine/model/clip-vit/config';
import type { Job, JobResult, Method } from './page';

const LABELS: Record<Method, string> = {
  adamerging: 'AdaMerging (layer-wise)', surgery: 'Representation Surgery (r 16)', intervmerge: 'IntervMerge (r 1)', 'intervmerge-mini': 'IntervMerge mini (r 1)', tinting: 'Model Tinting (head)',
};

interface Realm {
  label: string; backend: 'wasm' | 'webgpu'; patch: boolean;
  /** A job still running after this many seconds is abandoned (its page closed, a fresh one goes on). */
  capSeconds: number;
  jobs: (Job | { skip: string; method: Method; model: string })[];
}

function realms(zoo: ClipVisionConfig, quick: boolean): Realm[] {
  const z = (method: Method, steps: number): Job => ({ config: zoo, tasks: 8, method, images: 32, steps: quick ? 1 : steps });
  const v = (method: Method, steps: number, images = 16): Job => ({ config: VIT_B_32, tasks: 1, method, images, steps });
  const heap = 'skipped: θ0, the task vector, the merged weights and their gradient (≥ 4 × 351 MB) plus activations exceed the 4 GB wasm heap, as in Node';
  const slow = 'skipped: a ViT-B/32 block of 8 images takes 15–22 s on SwiftShader WebGPU, so one step of 16 would take many minutes';
  const zooAll = [z('adamerging', 2), z('surgery', 20), z('intervmerge', 3), z('intervmerge-mini', 3), z('tinting', 3)];
  // 16 images of 224² through a backward pass abort the 4 GB wasm heap (RuntimeError: Aborted(), measured), so ViT-B/32 IntervMerge steps take 8, as in Node.
  return [
    { label: 'Chromium WASM + transposed-matMul patch', backend: 'wasm', patch: true, capSeconds: 600, jobs: [...zooAll, v('surgery', 20),
      { skip: heap, method: 'adamerging', model: 'vit' }, { skip: heap, method: 'tinting', model: 'vit' }, v('intervmerge', 1, 8), v('intervmerge-mini', 1, 8)] },
    { label: 'Chromium WASM, no patch', backend: 'wasm', patch: false, capSeconds: 600, jobs: zooAll },
    { label: 'Chromium WebGPU (SwiftShader)', backend: 'webgpu', patch: false, capSeconds: 150, jobs: [...zooAll.map((j) => ({ ...j, steps: j.method === 'surgery' ? 10 : 1 })), v('surgery', 10),
      ...(['adamerging', 'intervmerge', 'intervmerge-mini', 'tinting'] as Method[]).map((method) => ({ skip: slow, method, model: 'vit' }))] },
  ];
}

/** Markdown rows: | where | model | method | steps timed | ms per step |. */
export async function chromiumRows(opts: { quick?: boolean } = {}): Promise<{ rows: string[]; adapter: string | null }> {
  const zoo = (await openSuiteDir('public/zoo/mini8')).pretrained.config;
  return withBenchPage('scripts/bench-train/page.ts', async (browser, url) => {
    const rows: string[] = [];
    let adapter: string | null = null;
    const emit = (r: string) => { rows.push(r); process.stderr.write(`${r}\n`); };
    for (const realm of realms(zoo, !!opts.quick)) {
      let page: Page | null = null;
      const open = async (): Promise<Page> => {
        const p = await browser.newPage();
        p.setDefaultTimeout(0);
        await p.goto(url);
        await p.waitForFunction(() => 'benchJob' in globalThis);
        const init = await p.evaluate(([b, patch]) => (globalThis as unknown as { benchInit(b: string, p: boolean): Promise<{ adapter: string | null }> }).benchInit(b, patch), [realm.backend, realm.patch] as const);
        if (realm.backend === 'webgpu') adapter = init.adapter;
        return p;
      };
      for (const job of realm.jobs) {
        if ('skip' in job) { emit(`| ${realm.label} | ViT-B/32 (1 task) | ${LABELS[job.method]} | — | ${job.skip} |`); continue; }
        const model = job.config === VIT_B_32 ? 'ViT-B/32 (1 task)' : 'zoo (8 tasks)';
        const what = `${job.images < 16 ? `batch ${job.images}, ` : ''}${job.steps} after 1 warm-up`;
        page ??= await open();
        const p = page;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const cap = new Promise<'cap'>((r) => { timer = setTimeout(() => r('cap'), realm.capSeconds * 1000); });
        try {
          const r = await Promise.race([p.evaluate((j) => (globalThis as unknown as { benchJob(j: Job): Promise<JobResult> }).benchJob(j), job), cap]);
          if (r === 'cap') {
            emit(`| ${realm.label} | ${model} | ${LABELS[job.method]} | — | not done after ${realm.capSeconds} s (warm-up + ${job.steps}), abandoned |`);
            await p.close();
            page = null;
          } else {
            emit(`| ${realm.label} | ${model} | ${LABELS[job.method]} | ${what} | ${r.msPerStep.toFixed(r.msPerStep < 10 ? 1 : 0)} |`);
          }
        } catch (e) {
          emit(`| ${realm.label} | ${model} | ${LABELS[job.method]} | ${what} | failed: ${String((e as Error).message ?? e).split('\n')[0].slice(0, 160)} |`);
          await p.close().catch(() => undefined); // a wasm abort leaves the backend unusable: next job on a fresh page
          page = null;
        } finally {
          clearTimeout(timer);
        }
      }
      await page?.close();
    }
    return { rows, adapter };
  });
}
