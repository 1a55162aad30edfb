/**
 * The CLIP ViT vision forward pass (Hugging Face `CLIPVisionModelWithProjection`) from a ParamMap:
 * [CLS; patch embeddings] + position embeddings → pre_layrnorm → L pre-LN blocks
 * (x += out_proj(attn(LN1 x)); x += fc2(act(fc1(LN2 x)))) → CLS → post_layernorm → projection.
 * Built from tf ops only, so tf.grad can differentiate through it (AdaMerging, IntervMerge).
 */
import * as tf from '@tensorflow/tfjs';
import { MergelabError } from '../../errors';
import type { ParamMap } from '../../params/param-map';
import { transformerBlock } from '../transformer/block';
import type { ClipVisionConfig } from './config';
import { numTokens } from './config';
import { layerNorm, linear, param } from '../transformer/layers';

export interface ForwardHooks {
  /** Output of block `layer`'s attention sub-layer, attn(LN1 x), BEFORE the residual add: h [B,S,D] → h' [B,S,D]. (IntervMerge edits the CLS row here later.) */
  attentionOutput?: (layer: number, h: tf.Tensor3D) => tf.Tensor3D;
}

export interface ForwardOptions {
  hiddenStates?: boolean;
  hooks?: ForwardHooks;
}

export interface ClipVisionOutput {
  lastHiddenState: tf.Tensor3D; // [B,S,D]
  poolerOutput: tf.Tensor2D; // [B,D] = post_layernorm(CLS of last layer)
  imageEmbeds: tf.Tensor2D | null; // [B,P] = pooler · visual_projection.weightᵀ (null without projection)
  hiddenStates: tf.Tensor3D[]; // L+1 entries when requested ([0] after pre_layrnorm, [L] = last layer output), else []
}

const VM = 'vision_model.';

/** pixels [B, C, H, W] → [B, S, D]: patches (one matMul), CLS prepended, position embeddings added. */
function embed(params: ParamMap, c: ClipVisionConfig, pixels: tf.Tensor4D): tf.Tensor3D {
  const [B, C, H, W] = pixels.shape;
  const p = c.patchSize;
  const gh = H / p;
  const gw = W / p;
  const D = c.hiddenSize;
  const conv = param<tf.Tensor4D>(params, `${VM}embeddings.patch_embedding.weight`, [D, C, p, p]);
  const cls = param<tf.Tensor1D>(params, `${VM}embeddings.class_embedding`, [D]);
  const pos = param<tf.Tensor2D>(params, `${VM}embeddings.position_embedding.weight`, [numTokens(c), D]);
  const grid = tf.reshape(pixels, [B, C, gh, p, gw, p]); // [B, C, gh, p, gw, p]
  const rows = tf.reshape<tf.Rank.R2>(tf.transpose(grid, [0, 2, 4, 1, 3, 5]), [B * gh * gw, C * p * p]); // [B, gh, gw, C, p, p] → [B·N, C·p·p]
  const kernel = tf.reshape<tf.Rank.R2>(conv, [D, C * p * p]); // [D, C·p·p], same (C, p, p) order as the rows
  const patches = tf.reshape(linear(rows, kernel), [B, gh * gw, D]); // [B, N, D]
  const clsRows = tf.broadcastTo(tf.reshape(cls, [1, 1, D]), [B, 1, D]); // [B, 1, D]
  return tf.add(tf.concat([clsRows, patches], 1), pos); // [B, S, D] + [S, D]
}

/** One pre-LN block (shared with the text tower): x [B, S, D] → [B, S, D]. Exported for train/tower-grad.ts, which recomputes the tower block by block. */
export function block(params: ParamMap, c: ClipVisionConfig, i: number, x: tf.Tensor3D, hooks?: ForwardHooks): tf.Tensor3D {
  const hook = hooks?.attentionOutput;
  return transformerBlock(params, `${VM}encoder.layers.${i}.`, { ...c, attentionOutput: hook && ((h) => hook(i, h)) }, x, i);
}

function checkPixels(c: ClipVisionConfig, pixels: tf.Tensor): void {
  const want = [c.numChannels, c.imageSize, c.imageSize];
  const s = pixels.shape;
  if (s.length !== 4 || s[1] !== want[0] || s[2] !== want[1] || s[3] !== want[2] || s[0] < 1) {
    throw new MergelabError('input', `pixel_values has shape [${s.join(', ')}] but this model needs [B, ${want.join(', ')}].`,
      `Preprocess the images to ${c.imageSize}×${c.imageSize} with ${c.numChannels} channels, channels first (preprocessBatch).`);
  }
}

/** pixels [B, C, H, W] → the first block's input pre_layrnorm(embeddings) [B, S, D]. */
export function tokens(params: ParamMap, config: ClipVisionConfig, pixelValues: tf.Tensor4D): tf.Tensor3D {
  checkPixels(config, pixelValues);
  const D = config.hiddenSize;
  return layerNorm(embed(params, config, pixelValues), param<tf.Tensor1D>(params, `${VM}pre_layrnorm.weight`, [D]), param<tf.Tensor1D>(params, `${VM}pre_layrnorm.bias`, [D]), config.layerNormEps);
}

/** The last block's output x [B, S, D] → pooled = post_layernorm(CLS) [B, D] and embeds = pooled · projectionᵀ [B, P] (null without projection). */
export function pool(params: ParamMap, config: ClipVisionConfig, x: tf.Tensor3D): { pooled: tf.Tensor2D; embeds: tf.Tensor2D | null } {
  const D = config.hiddenSize;
  const P = config.projectionDim;
  const [B] = x.shape;
  const cls = tf.reshape<tf.Rank.R2>(tf.slice(x, [0, 0, 0], [B, 1, D]), [B, D]); // [B, D]
  const pooled = layerNorm(cls, param<tf.Tensor1D>(params, `${VM}post_layernorm.weight`, [D]), param<tf.Tensor1D>(params, `${VM}post_layernorm.bias`, [D]), config.layerNormEps); // [B, D]
  const embeds = P === null ? null : linear(pooled, param<tf.Tensor2D>(params, 'visual_projection.weight', [P, D])); // [B, P]
  return { pooled, embeds };
}

/** Synchronous and built from tf ops only, so it is differentiable (AdaMerging/IntervMerge train through it) and may be called inside tf.tidy / tf.grad. Params may be tensors or tf.Variables. Caller owns the outputs. */
export function clipVisionForward(params: ParamMap, config: ClipVisionConfig, pixelValues: tf.Tensor4D /* [B,C,H,W] */, opts: ForwardOptions = {}): ClipVisionOutput {
  const keep = !!opts.hiddenStates;
  const out = tf.tidy(() => {
    let x = tokens(params, config, pixelValues); // [B, S, D]
    const hidden: tf.Tensor3D[] = keep ? [x] : [];
    for (let i = 0; i < config.numLayers; i++) {
      const prev = x;
      x = tf.tidy(() => block(params, config, i, prev, opts.hooks)); // frees the block's intermediates now
      if (keep) hidden.push(x);
      else prev.dispose();
    }
    const { pooled, embeds } = pool(params, config, x);
    // hiddenStates[L] is a clone of x so every returned tensor can be disposed on its own.
    if (keep) hidden[hidden.length - 1] = x.clone();
    return { last: x, pooled, embeds: embeds ?? undefined, hidden };
  });
  return { lastHiddenState: out.last, poolerOutput: out.pooled, imageEmbeds: out.embeds ?? null, hiddenStates: out.hidden };
}

export function disposeOutput(o: ClipVisionOutput): void {
  o.lastHiddenState.dispose();
  o.poolerOutput.dispose();
  o.imageEmbeds?.dispose();
  for (const h of o.hiddenStates) h.dispose();
}
