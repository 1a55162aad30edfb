/**
 * `mergelab forward <modelDir> <inputs.safetensors> <out.safetensors> [--batch N]`: recognises the
 * checkpoint, runs the CLIP vision forward pass on the inputs' `pixel_values` [B,3,H,W] (batch by
 * batch, on the backend initNodeBackend picks: WASM in Node, threaded) and writes `last_hidden_state`,
 * `pooler_output`, `image_embeds` (when the model has a projection) and `hidden_states.0…L` as F32.
 */
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend } from '../engine/wasm-threads.node.js';
import { MergelabError } from '../engine/errors';
import { nodeFileSink } from '../engine/merge/file-sink.node.js';
import { checkOutputFile } from '../engine/io/fs-guard.node.js';
import { openCheckpointPath } from '../engine/model/clip-vit/open-checkpoint-path.node.js';
import { nodeFileSource } from '../engine/io/node-source.node.js';
import { openSafetensors, writeSafetensors, type TensorSpec } from '../engine/io/safetensors';
import { clipVisionForward, disposeOutput, type ClipVisionOutput } from '../engine/model/clip-vit/forward';
import { numTokens } from '../engine/model/clip-vit/config';
import { loadParams } from '../engine/model/clip-vit/load';
import { disposeParams } from '../engine/params/param-map';

const USAGE = 'usage: mergelab forward <modelDir> <inputs.safetensors> <out.safetensors> [--batch N]   (N images per forward pass, default 8)';

export interface Output {
  write(s: string): unknown;
}

export interface ForwardFileResult {
  backend: string;
  images: number;
  tensors: string[];
  /** Wall time of the forward passes alone. */
  forwardMs: number;
}

/** Reads `pixel_values` [B, C, H, W] (any float dtype, widened to float32). */
async function readPixels(path: string): Promise<{ values: Float32Array; shape: [number, number, number, number] }> {
  const store = await openSafetensors(await nodeFileSource(path));
  const info = store.tensors.get('pixel_values');
  if (!info) {
    throw new MergelabError('input', `${path} has no "pixel_values" tensor (it has: ${[...store.tensors.keys()].join(', ') || 'none'}).`,
      'Write the preprocessed images as a float tensor named pixel_values, shaped [B, 3, image_size, image_size].');
  }
  if (!['F32', 'F16', 'BF16', 'F64'].includes(info.dtype) || info.shape.length !== 4) {
    throw new MergelabError('input', `${path}: "pixel_values" is ${info.dtype} [${info.shape.join(', ')}], expected a float tensor [B, 3, H, W].`,
      'Save CLIP-normalised pixels (float32, channels first), not raw uint8 images.');
  }
  const t = await store.read('pixel_values');
  return { values: t.values as Float32Array, shape: t.shape as [number, number, number, number] };
}

/** Runs the model over every image of `inputsPath` and streams the outputs to `outPath`. */
export async function forwardFile(modelDir: string, inputsPath: string, outPath: string, batch = 8): Promise<ForwardFileResult> {
  const { backend } = await initNodeBackend();
  const ck = await openCheckpointPath(modelDir);
  const { values, shape } = await readPixels(inputsPath);
  const [B, C, H, W] = shape;
  const c = ck.config;
  if (B < 1 || C !== c.numChannels || H !== c.imageSize || W !== c.imageSize) {
    throw new MergelabError('input', `${inputsPath}: pixel_values is [${shape.join(', ')}] but ${modelDir} needs [B ≥ 1, ${c.numChannels}, ${c.imageSize}, ${c.imageSize}].`,
      `Preprocess the images for this model (image_size ${c.imageSize}), channels first.`);
  }
  const S = numTokens(c);
  const D = c.hiddenSize;
  // Outputs, filled batch by batch: name → [shape, values].
  const outs = new Map<string, { shape: number[]; values: Float32Array; pick: (o: ClipVisionOutput) => tf.Tensor }>();
  const add = (name: string, shp: number[], pick: (o: ClipVisionOutput) => tf.Tensor) => outs.set(name, { shape: shp, values: new Float32Array(shp.reduce((a, b) => a * b, 1)), pick });
  add('last_hidden_state', [B, S, D], (o) => o.lastHiddenState);
  add('pooler_output', [B, D], (o) => o.poolerOutput);
  if (c.projectionDim !== null) add('image_embeds', [B, c.projectionDim], (o) => o.imageEmbeds!);
  for (let i = 0; i <= c.numLayers; i++) add(`hidden_states.${i}`, [B, S, D], (o) => o.hiddenStates[i]);

  const params = await loadParams(ck);
  let forwardMs = 0;
  try {
    const per = C * H * W;
    for (let start = 0; start < B; start += batch) {
      const n = Math.min(batch, B - start);
      const pixels = tf.tensor4d(values.subarray(start * per, (start + n) * per), [n, C, H, W]);
      const t0 = performance.now();
      let o: ClipVisionOutput;
      try {
        o = clipVisionForward(params, c, pixels, { hiddenStates: true });
      } finally {
        pixels.dispose();
      }
      try {
        for (const t of outs.values()) {
          const v = (await t.pick(o).data()) as Float32Array;
          t.values.set(v, (start * v.length) / n);
        }
      } finally {
        disposeOutput(o);
      }
      forwardMs += performance.now() - t0;
    }
  } finally {
    disposeParams(params);
  }
  const specs: TensorSpec[] = [...outs].map(([name, t]) => ({ name, dtype: 'F32', shape: t.shape }));
  const sink = await nodeFileSink(outPath);
  try {
    await writeSafetensors(sink, specs, (s) => outs.get(s.name)!.values, { format: 'pt', model: ck.name, layout: ck.layout });
  } catch (e) {
    await sink.abort?.();
    throw e;
  }
  return { backend, images: B, tensors: specs.map((s) => s.name), forwardMs };
}

export async function run(args: string[], out: Output = process.stdout): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const rest = [...args];
  let batch = 8;
  const bi = rest.indexOf('--batch');
  if (bi >= 0) {
    batch = Number(rest[bi + 1]);
    if (!Number.isInteger(batch) || batch < 1) throw new MergelabError('usage', `--batch needs a whole number ≥ 1, got ${rest[bi + 1] ?? 'nothing'}.`, USAGE);
    rest.splice(bi, 2);
  }
  const unknown = rest.filter((a) => a.startsWith('-'));
  if (unknown.length) throw new MergelabError('usage', `unknown option ${unknown[0]}.`, USAGE);
  if (rest.length !== 3) throw new MergelabError('usage', `expected 3 paths (model, inputs, output), got ${rest.length}.`, USAGE);
  const [modelDir, inputs, output] = rest;
  await checkOutputFile(output); // before the forward pass, not after it
  const r = await forwardFile(modelDir, inputs, output, batch);
  out.write(`wrote ${output}: ${r.tensors.length} tensors for ${r.images} image${r.images === 1 ? '' : 's'} (${r.tensors.join(', ')}); forward ${r.forwardMs.toFixed(0)} ms on ${r.backend}\n`);
  return 0;
}
