/**
 * The benchmarks' browser harness: bundles one page script with esbuild, serves it with the tfjs
 * WASM binaries on a free localhost port, launches headless Debian Chromium (CHROME_PATH
 * overrides; WebGPU on SwiftShader enabled, network-quiet flags) and hands both to `run`; closes
 * them afterwards whatever happens. Used by bench:umap and bench:train (--chromium).
 * Options: `isolated` serves every response with COOP/COEP, so the page is cross-origin isolated
 * as the lab is (tfjs-wasm then loads its threaded build); `dirs` serves local folders under URL
 * prefixes (e.g. { '/pool/': '.cache/vitb32/pool' }), files streamed from disk, with byte ranges.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join, normalize } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';

const WASM_DIR = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
const ARGS = [
  '--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/** Runs `run` with a browser and the URL of a page that loads `entry` (a script path) as a module. */
export async function withBenchPage<T>(entry: string, run: (browser: Browser, url: string) => Promise<T>, opts: { isolated?: boolean; dirs?: Record<string, string> } = {}): Promise<T> {
  const bundle = await build({ entryPoints: [entry], bundle: true, format: 'esm', write: false, platform: 'browser', target: 'es2022', logLevel: 'error' });
  const server = createServer(async (req, res) => {
    const url = req.url ?? '/';
    if (opts.isolated) { res.setHeader('cross-origin-opener-policy', 'same-origin'); res.setHeader('cross-origin-embedder-policy', 'require-corp'); }
    const dir = Object.entries(opts.dirs ?? {}).find(([prefix]) => url.startsWith(prefix));
    if (dir) {
      const rel = normalize(decodeURIComponent(url.slice(dir[0].length)));
      const file = join(dir[1], rel);
      const st = rel.startsWith('..') ? null : await stat(file).catch(() => null);
      if (!st?.isFile()) { res.statusCode = 404; res.end(); return; }
      const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      const [start, end] = range ? [Number(range[1]), Math.min(Number(range[2]), st.size - 1)] : [0, st.size - 1];
      res.statusCode = range ? 206 : 200;
      res.setHeader('accept-ranges', 'bytes');
      res.setHeader('content-length', String(end - start + 1));
      if (range) res.setHeader('content-range', `bytes ${start}-${end}/${st.size}`);
      if (req.method === 'HEAD') { res.end(); return; }
      createReadStream(file, { start, end }).pipe(res);
      return;
    }
    if (url === '/') { res.setHeader('content-type', 'text/html'); res.end('<!doctype html><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>'); return; }
    if (url === '/page.js') { res.setHeader('content-type', 'text/javascript'); res.end(bundle.outputFiles[0].text); return; }
    if (url.endsWith('.wasm')) { res.setHeader('content-type', 'application/wasm'); res.end(await readFile(join(WASM_DIR, url.slice(1)))); return; }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: ARGS });
    try {
      return await run(browser, `http://127.0.0.1:${port}/`);
    } finally {
      await browser.close();
    }
  } finally {
    server.close();
  }
}
