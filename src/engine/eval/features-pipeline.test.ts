/**
 * computeFeatures' prefetching pipeline (features.ts): the next batch's pixels are requested before
 * the current batch's forward pass, the features are bit-for-bit those of the one-after-the-other
 * loop and of a forward pass over all images at once (the test's own), and cancellation stops it
 * between batches without leaking tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskImages } from '../data/task-images';
import { CancelledError } from '../errors';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import { clipVisionForward } from '../model/clip-vit/forward';
import { loadFixtureTensors } from '../testing/fixtures.node';
import { type ParamMap, disposeParams } from '../params/param-map';
import { createRng } from '../random';
import { computeFeatures } from './features';

const TINY_A: ClipVisionConfig = { hiddenSize: 64, intermediateSize: 256, numLayers: 2, numHeads: 4, imageSize: 32, patchSize: 8, numChannels: 3, projectionDim: 32, hiddenAct: 'quick_gelu', layerNormEps: 1e-5 };
const N = 10;
const PER = 3 * 32 * 32;

/** N seeded images served asynchronously (a timer per request, like a file read), logging each request and each batch finished. */
function slowImages(log: string[]): TaskImages {
  const rng = createRng(4);
  const all = Float32Array.from({ length: N * PER }, () => rng.normal());
  return {
    task: 't', source: 'memory', count: N, labels: new Int32Array(N), notes: [],
    pixels: (start, n) => {
      log.push(`read ${start}`);
      return new Promise((resolve) => setTimeout(() => resolve(all.slice(start * PER, (start + n) * PER)), 5));
    },
  };
}

let params: ParamMap;
beforeAll(async () => {
  const m = await loadFixtureTensors('tiny-a', 'model.safetensors');
  params = new Map([...m].map(([n, d]) => [n, tf.tensor(d.values as Float32Array, d.shape)]));
});
afterAll(() => disposeParams(params));

describe('computeFeatures pipeline', () => {
  it('requests batch k + 1 before batch k is done, and gives exactly the sequential features', async () => {
    const log: string[] = [];
    const piped = await computeFeatures(params, TINY_A, slowImages(log), { batchSize: 4, onProgress: (done) => log.push(`done ${done}`) });
    expect(log).toEqual(['read 0', 'read 4', 'done 4', 'read 8', 'done 8', 'done 10']);
    const seqLog: string[] = [];
    const seq = await computeFeatures(params, TINY_A, slowImages(seqLog), { batchSize: 4, prefetch: false, onProgress: (done) => seqLog.push(`done ${done}`) });
    expect(seqLog).toEqual(['read 0', 'done 4', 'read 4', 'done 8', 'read 8', 'done 10']);
    expect(piped.z).toEqual(seq.z);
    // Against the test's own forward pass over each batch (no engine eval code).
    const all = await slowImages([]).pixels(0, N, 32);
    const own = tf.tidy(() => tf.concat([0, 4, 8].map((s) => clipVisionForward(params, TINY_A, tf.tensor4d(all.slice(s * PER, Math.min(N, s + 4) * PER), [Math.min(4, N - s), 3, 32, 32])).imageEmbeds!)));
    expect(piped.z).toEqual(await own.data());
    own.dispose();
  });

  it('stops between batches when cancelled, leaving no tensors and reading at most one batch ahead', async () => {
    const log: string[] = [];
    const signal = { aborted: false };
    const before = tf.memory().numTensors;
    const run = computeFeatures(params, TINY_A, slowImages(log), { batchSize: 2, signal, onProgress: (done) => { log.push(`done ${done}`); if (done === 4) signal.aborted = true; } });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    await new Promise((r) => setTimeout(r, 20)); // the prefetched read settles, unawaited
    expect(log).toEqual(['read 0', 'read 2', 'done 2', 'read 4', 'done 4']);
    expect(tf.memory().numTensors).toBe(before);
  });
});
