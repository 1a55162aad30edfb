// Browser side of `npm run bench:umap -- --chromium`: bundled by esbuild, served with the tfjs wasm
// binaries next to it; runs the same pipeline on the page's thread and reports the seconds.
import { initBackend } from '../../src/engine/backend';
import { embedFeatures } from '../../src/engine/embed/embed';
import { benchFeatures } from './data';

const wasmPaths = Object.fromEntries(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f) => [f, new URL(f, location.href).href]));

(globalThis as { benchUmap?: unknown }).benchUmap = async (points: number) => {
  const choice = await initBackend({ force: 'wasm', wasmPaths });
  const sets = benchFeatures(points);
  const t0 = performance.now();
  const layout = await embedFeatures(sets, { budget: 'all' });
  return { backend: choice.backend, wall: (performance.now() - t0) / 1000, seconds: layout.seconds, points: layout.positions.length / 2 };
};
