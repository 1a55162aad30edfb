// Browser side of `npm run bench:real` (bundled by scripts/bench-page.ts with the tfjs wasm
// binaries): a random-weight vision tower at the given config built in memory, and the engine's
// forward pass plus a zero-shot head timed on the page's tfjs backend (batches of `batch` random
// preprocessed images; the first batch is a warm-up). Reports images per second.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { type BackendName, initBackend } from '../../src/engine/backend';
import type { ClipVisionConfig } from '../../src/engine/model/clip-vit/config';
import { clipVisionForward, disposeOutput } from '../../src/engine/model/clip-vit/forward';
import { canonicalParams } from '../../src/engine/model/clip-vit/names';
import type { ParamMap } from '../../src/engine/params/param-map';
import { disposeParams } from '../../src/engine/params/param-map';

export interface RealJob { config: ClipVisionConfig; backend: BackendName; batch: number; batches: number; classes: number }
export interface RealResult { backend: string; imagesPerSecond: number; images: number; seconds: number }

const wasmPaths = Object.fromEntries(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f) => [f, new URL(f, location.href).href]));

async function run(job: RealJob): Promise<RealResult> {
  const choice = await initBackend({ force: job.backend, wasmPaths });
  const params: ParamMap = new Map(canonicalParams(job.config).map((s) => [s.name, /norm|layrnorm/.test(s.name)
    ? tf.fill(s.shape, s.name.endsWith('weight') ? 1 : 0)
    : tf.randomNormal(s.shape, 0, 0.02, 'float32', 0)]));
  const P = job.config.projectionDim ?? job.config.hiddenSize;
  const head = tf.randomNormal([job.classes, P], 0, 1, 'float32', 1);
  const S = job.config.imageSize;
  const batch = async () => {
    const pixels = tf.randomNormal<tf.Rank.R4>([job.batch, 3, S, S], 0, 1, 'float32', 2);
    const out = clipVisionForward(params, job.config, pixels);
    const z = out.imageEmbeds ?? out.poolerOutput;
    const pred = tf.tidy(() => tf.argMax(tf.matMul(tf.div(z, tf.norm(z, 2, 1, true)), head, false, true), 1));
    await pred.data();
    tf.dispose([pixels, pred]);
    disposeOutput(out);
  };
  try {
    await batch(); // warm-up: shader/kernel compilation
    const t0 = performance.now();
    for (let b = 0; b < job.batches; b++) await batch();
    const seconds = (performance.now() - t0) / 1000;
    const images = job.batch * job.batches;
    return { backend: choice.backend, imagesPerSecond: images / seconds, images, seconds };
  } finally {
    disposeParams(params);
    head.dispose();
  }
}

(globalThis as unknown as { benchReal: typeof run }).benchReal = run;
