/**
 * Runs a checkpoint's forward pass for the engine API and names its outputs the Hugging Face way
 * (last_hidden_state, pooler_output, image_embeds, hidden_states.i), read back as float32.
 * Owns every tensor it creates: parameters and outputs are disposed before it returns.
 */
import * as tf from '@tensorflow/tfjs';
import type { Checkpoint } from '../engine/model/clip-vit/checkpoint';
import { loadParams } from '../engine/model/clip-vit/load';
import { clipVisionForward, disposeOutput } from '../engine/model/clip-vit/forward';
import { disposeParams } from '../engine/params/param-map';

export interface NamedOutput {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface ForwardRun {
  outputs: NamedOutput[];
  loadMs: number;
  forwardMs: number;
}

/**
 * pixels: [B, C, H, W] float32 values (already normalised), row-major.
 * Returns every output, read back to the CPU, with load and forward timings.
 */
export async function runCheckpoint(
  ck: Checkpoint,
  pixels: Float32Array,
  batch: number,
  onStage: (stage: string) => void,
): Promise<ForwardRun> {
  const c = ck.config;
  onStage('loading parameters');
  const t0 = performance.now();
  const params = await loadParams(ck);
  const loadMs = performance.now() - t0;
  const input = tf.tensor4d(pixels, [batch, c.numChannels, c.imageSize, c.imageSize]); // [B, C, H, W]
  try {
    onStage('forward pass');
    const t1 = performance.now();
    const out = clipVisionForward(params, c, input, { hiddenStates: true });
    try {
      const named: [string, tf.Tensor][] = [
        ['last_hidden_state', out.lastHiddenState], // [B, T, D]
        ['pooler_output', out.poolerOutput], // [B, D]
      ];
      if (out.imageEmbeds) named.push(['image_embeds', out.imageEmbeds]); // [B, P]
      out.hiddenStates.forEach((h, i) => named.push([`hidden_states.${i}`, h])); // [B, T, D] each
      const values = await Promise.all(named.map(([, t]) => t.data<'float32'>()));
      const forwardMs = performance.now() - t1;
      const outputs = named.map(([name, t], i) => ({ name, shape: t.shape.slice(), values: values[i] as Float32Array }));
      return { outputs, loadMs, forwardMs };
    } finally {
      disposeOutput(out);
    }
  } finally {
    input.dispose();
    disposeParams(params);
  }
}
