/**
 * The CLIP text forward pass (Hugging Face `CLIPTextModelWithProjection`, Radford et al.,
 * arXiv:2103.00020 §2.4) from a ParamMap: token + position embeddings → L pre-LN blocks with causal
 * self-attention (the vision tower's blocks) → final_layer_norm → the hidden state at the pooling
 * position → text_projection (no bias). Sequences are right-padded to the batch's longest; the
 * causal mask keeps the padding from reaching the positions before it, so the pooled state of a
 * sequence does not depend on what it is batched with.
 */
import * as tf from '@tensorflow/tfjs';
import { MergelabError } from '../../errors';
import type { ParamMap } from '../../params/param-map';
import { transformerBlock } from '../transformer/block';
import { layerNorm, linear, param } from '../transformer/layers';
import { LEGACY_EOS_TOKEN_ID, type ClipTextConfig } from './config';
import { POSITION_EMBEDDING, TEXT_PROJECTION, TM, TOKEN_EMBEDDING } from './names';

/**
 * Where a sequence is pooled (Hugging Face CLIPTextTransformer): with the legacy eos_token_id 2,
 * the position of the largest id (first of equals, as torch.argmax); otherwise the first position
 * holding eos_token_id (position 0 when there is none, as Hugging Face does).
 */
export function poolIndex(ids: readonly number[], eosTokenId: number): number {
  let at = 0;
  if (eosTokenId === LEGACY_EOS_TOKEN_ID) {
    for (let i = 1; i < ids.length; i++) if (ids[i] > ids[at]) at = i;
    return at;
  }
  const i = ids.indexOf(eosTokenId);
  return i < 0 ? 0 : i;
}

export interface ClipTextOutput {
  textEmbeds: tf.Tensor2D; // [B, P]
  pooled: tf.Tensor2D; // [B, D]
}

function checkIds(c: ClipTextConfig, ids: readonly (readonly number[])[]): void {
  if (!ids.length) throw new MergelabError('input', 'No token sequences to embed.', 'Give at least one prompt.');
  ids.forEach((seq, n) => {
    if (!seq.length || seq.length > c.contextLength) {
      throw new MergelabError('input', `Token sequence ${n} has ${seq.length} ids; this model takes 1 to ${c.contextLength}.`,
        'Encode the prompts with the model\'s own tokenizer, which truncates to the context length.');
    }
    const bad = seq.find((t) => !Number.isInteger(t) || t < 0 || t >= c.vocabSize);
    if (bad !== undefined) {
      throw new MergelabError('input', `Token sequence ${n} holds id ${bad}, outside this model's vocabulary of ${c.vocabSize}.`,
        'The tokenizer files do not belong to these weights: use the tokenizer saved with the model.');
    }
  });
}

/** ids: unpadded sequences (start and end tokens included). Caller owns the outputs. */
export function clipTextForward(params: ParamMap, c: ClipTextConfig, ids: readonly (readonly number[])[]): ClipTextOutput {
  checkIds(c, ids);
  const B = ids.length;
  const S = Math.max(...ids.map((s) => s.length));
  const D = c.hiddenSize;
  const padded = new Int32Array(B * S);
  const flatIndex = new Int32Array(B); // row of the pooled position in [B·S]
  ids.forEach((seq, b) => {
    padded.set(seq, b * S);
    flatIndex[b] = b * S + poolIndex(seq, c.eosTokenId);
  });
  return tf.tidy(() => {
    const tokens = param<tf.Tensor2D>(params, TOKEN_EMBEDDING, [c.vocabSize, D]);
    const positions = param<tf.Tensor2D>(params, POSITION_EMBEDDING, [c.contextLength, D]);
    const idT = tf.tensor2d(padded, [B, S], 'int32');
    let x = tf.add<tf.Tensor3D>(tf.gather(tokens, idT), tf.slice(positions, [0, 0], [S, D])); // [B, S, D]
    const block = { numHeads: c.heads, intermediateSize: c.intermediateSize, hiddenAct: c.act, layerNormEps: c.layerNormEps, causal: true };
    for (let i = 0; i < c.layers; i++) {
      const prev = x;
      x = tf.tidy(() => transformerBlock(params, `${TM}encoder.layers.${i}.`, block, prev, i));
      prev.dispose();
    }
    const rows = tf.gather(tf.reshape<tf.Rank.R2>(x, [B * S, D]), tf.tensor1d(flatIndex, 'int32')); // [B, D]
    const pooled = layerNorm(rows, param<tf.Tensor1D>(params, `${TM}final_layer_norm.weight`, [D]), param<tf.Tensor1D>(params, `${TM}final_layer_norm.bias`, [D]), c.layerNormEps);
    const textEmbeds = linear(pooled, param<tf.Tensor2D>(params, TEXT_PROJECTION, [c.projectionDim, D])); // [B, P]
    return { textEmbeds, pooled };
  });
}
