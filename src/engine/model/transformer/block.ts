/**
 * One pre-LN transformer block as CLIP's towers use it (Hugging Face `CLIPEncoderLayer`):
 * x += out_proj(attn(LN1 x)); x += fc2(act(fc1(LN2 x))). Shared by the vision tower (full
 * attention) and the text tower (causal attention); parameters are read under `prefix`
 * (`vision_model.encoder.layers.{i}.`, `text_model.encoder.layers.{i}.`).
 */
import * as tf from '@tensorflow/tfjs';
import { MergelabError } from '../../errors';
import type { ParamMap } from '../../params/param-map';
import { selfAttention } from './attention';
import { activation, layerNorm, linear, param, type HiddenAct } from './layers';

export interface BlockConfig {
  numHeads: number;
  intermediateSize: number; // M
  hiddenAct: HiddenAct;
  layerNormEps: number;
  /** Causal self-attention (text tower). */
  causal?: boolean;
  /** Edits attn(LN1 x) [B, S, D] before the residual add (IntervMerge on the vision tower). */
  attentionOutput?: (h: tf.Tensor3D) => tf.Tensor3D;
}

/** x [B, S, D] → [B, S, D]; `layer` only names the block in errors. */
export function transformerBlock(params: ParamMap, prefix: string, c: BlockConfig, x: tf.Tensor3D, layer: number): tf.Tensor3D {
  const [B, S, D] = x.shape;
  const M = c.intermediateSize;
  const ln = (n: string, t: tf.Tensor3D) => layerNorm(t, param<tf.Tensor1D>(params, `${prefix}${n}.weight`, [D]), param<tf.Tensor1D>(params, `${prefix}${n}.bias`, [D]), c.layerNormEps);
  let h = selfAttention(params, `${prefix}self_attn.`, ln('layer_norm1', x), c.numHeads, { causal: c.causal }); // [B, S, D]
  if (c.attentionOutput) {
    h = c.attentionOutput(h);
    if (h.shape.join() !== x.shape.join()) {
      throw new MergelabError('hook', `The attentionOutput hook of layer ${layer} returned shape [${h.shape.join(', ')}], expected [${x.shape.join(', ')}].`,
        'A hook must return a tensor shaped like its input [B, S, D].');
    }
  }
  const x1 = tf.add<tf.Tensor3D>(x, h);
  const z = tf.reshape<tf.Rank.R2>(ln('layer_norm2', x1), [B * S, D]); // [B·S, D]
  const up = linear(z, param<tf.Tensor2D>(params, `${prefix}mlp.fc1.weight`, [M, D]), param<tf.Tensor1D>(params, `${prefix}mlp.fc1.bias`, [M])); // [B·S, M]
  const down = linear(activation(up, c.hiddenAct), param<tf.Tensor2D>(params, `${prefix}mlp.fc2.weight`, [D, M]), param<tf.Tensor1D>(params, `${prefix}mlp.fc2.bias`, [D])); // [B·S, D]
  return tf.add<tf.Tensor3D>(x1, tf.reshape(down, [B, S, D]));
}
