/**
 * Opens the CLIP text tower of a model folder — a Hugging Face CLIPModel or
 * CLIPTextModelWithProjection (names with or without `text_model.`), or an open_clip folder — with
 * its config (config.json), its tokenizer (the folder's own files) and `logit_scale`. Weights are
 * picked as for the vision tower (safetensors, shards, PyTorch pickles; F32/F16/BF16), every text
 * tensor is checked against the config and all problems are reported at once, then the tower is
 * loaded as float32 tfjs tensors and `embed` runs the forward pass on token ids.
 */
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, CheckpointMismatchError, MergelabError } from '../../errors';
import { quote, readJsonCapped } from '../../io/bounded';
import type { ByteSource } from '../../io/byte-source';
import { FLOAT_DTYPES } from '../../io/dtypes';
import type { TensorStore } from '../../io/safetensors';
import { baseName } from '../../io/sharded';
import { disposeParams, type ParamMap } from '../../params/param-map';
import { openTokenizer, type TextTokenizer } from '../../text/tokenizer';
import { convert, type ParamSource } from '../clip-vit/open-checkpoint';
import { storedShape } from '../clip-vit/names';
import { openWeights } from '../weights';
import { LEGACY_EOS_TOKEN_ID, textConfigFromJson, type ClipTextConfig, type HiddenAct } from './config';
import { clipTextForward } from './forward';
import { detectTextLayout, textParams, type TextLayout } from './names';
import { unwrapTextPickle } from './pickled';

export type { ClipTextConfig, HiddenAct };

export interface ClipTextModel {
  readonly name: string;
  readonly config: ClipTextConfig;
  readonly tokenizer: TextTokenizer;
  /** exp(logit_scale) read from the checkpoint; null when the checkpoint has none. */
  readonly logitScale: number | null;
  /** Unpadded ids (as tokenizer.encode gives them) → text_embeds [N, P] (projection output,
   *  not normalised) and pooler_output [N, D], row-major Float32Arrays. */
  embed(ids: readonly (readonly number[])[]): Promise<{ textEmbeds: Float32Array; pooled: Float32Array }>;
  dispose(): void;
}

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

async function readConfigJson(name: string, files: readonly ByteSource[]): Promise<{ json: unknown; file: string }> {
  const src = files.filter((f) => baseName(f.name) === 'config.json').sort((a, b) => a.name.length - b.name.length)[0];
  if (!src) {
    throw new CheckpointError(name, 'has no config.json, which the text tower needs (heads, activation, eos_token_id cannot be read from the weights).',
      'Copy config.json from the model\'s repository into the folder (for open_clip, its model config with "text_cfg" and "embed_dim").');
  }
  const json = await readJsonCapped(src, (p) => new CheckpointError(src.name, p, 'Fix or re-download config.json.'));
  return { json, file: src.name };
}

/** Maps every canonical text parameter to its stored tensor, collecting every problem. */
function validate(name: string, store: TensorStore, layout: TextLayout, c: ClipTextConfig, from: string): Map<string, ParamSource> {
  const problems: string[] = [];
  const sources = new Map<string, ParamSource>();
  const used = new Set<string>();
  for (const p of textParams(c)) {
    const src = layout.source(p.name);
    used.add(src.tensor);
    const info = store.tensors.get(src.tensor);
    const want = storedShape(p.shape, src.transform);
    const alias = src.tensor === p.name || src.transform?.kind === 'chunk' ? '' : ` (for ${p.name})`;
    if (!info) { if (!problems.some((x) => x.includes(`missing tensor ${quote(src.tensor)}`))) problems.push(`missing tensor ${quote(src.tensor)}${alias}, expected shape ${fmt(want)}`); continue; }
    if (fmt(info.shape) !== fmt(want)) { if (!problems.some((x) => x.includes(`tensor ${quote(src.tensor)} has shape`))) problems.push(`tensor ${quote(src.tensor)} has shape ${fmt(info.shape)}, expected ${fmt(want)}`); continue; }
    if (!FLOAT_DTYPES.includes(info.dtype)) { problems.push(`tensor ${quote(src.tensor)} is stored as ${info.dtype}, expected floats (F32, F16 or BF16)`); continue; }
    sources.set(p.name, { tensor: src.tensor, dtype: info.dtype, transform: src.transform });
  }
  for (const t of store.tensors.keys()) {
    if (layout.owns(t) && !used.has(t)) problems.push(`unexpected tensor ${quote(t)} (not part of a CLIP text tower with this config)`);
  }
  if (layout.logitScale) {
    const info = store.tensors.get(layout.logitScale)!;
    if (info.shape.reduce((a, b) => a * b, 1) !== 1 || !FLOAT_DTYPES.includes(info.dtype)) problems.push(`"logit_scale" is ${info.dtype} ${fmt(info.shape)}, expected one float (a 0-d tensor)`);
  }
  if (problems.length) {
    const shown = problems.length > 50 ? [...problems.slice(0, 50), `… and ${problems.length - 50} more`] : problems;
    const what = `${c.hiddenSize} wide, ${c.layers} layers, ${c.heads} heads, MLP ${c.intermediateSize}, vocabulary ${c.vocabSize}, context ${c.contextLength}, projection ${c.projectionDim}`;
    throw new CheckpointMismatchError(`${name} (${layout.layout}; text config from ${from}: ${what})`, shown,
      'The weights are not the complete text tower config.json describes: use the config.json saved with them, or re-export the model with every text tensor listed above.');
  }
  return sources;
}

/** A Hugging Face CLIPModel / CLIPTextModelWithProjection folder or an open_clip folder (weights,
 *  config.json, tokenizer files). Throws CheckpointError / TokenizerError naming what is missing. */
export async function openTextModel(name: string, files: readonly ByteSource[]): Promise<ClipTextModel> {
  const { store } = await openWeights(name, files, unwrapTextPickle);
  const layout = detectTextLayout(`${name} (${baseName(store.name)})`, [...store.tensors.keys()]);
  const { json, file } = await readConfigJson(name, files);
  const { config, from } = textConfigFromJson(json, file);
  const sources = validate(name, store, layout, config, from);
  const tokenizer = await openTokenizer(name, files, { contextLength: config.contextLength });
  if (config.eosTokenId !== LEGACY_EOS_TOKEN_ID && config.eosTokenId !== tokenizer.eosId) {
    throw new CheckpointError(file, `gives eos_token_id ${config.eosTokenId}, but the tokenizer's end token has id ${tokenizer.eosId}: the text would be pooled at the wrong position.`,
      'Use the config.json and tokenizer files saved together with the weights.');
  }
  let logitScale: number | null = null;
  if (layout.logitScale) {
    const v = (await store.read(layout.logitScale)).values as Float32Array;
    logitScale = Math.exp(v[0]);
  }
  const params: ParamMap = new Map();
  try {
    let last: { tensor: string; data: ReturnType<TensorStore['read']> } | undefined; // packed q/k/v read once
    for (const p of textParams(config)) {
      const src = sources.get(p.name)!;
      if (last?.tensor !== src.tensor) last = { tensor: src.tensor, data: store.read(src.tensor) };
      params.set(p.name, tf.tensor(convert(await last.data, src), p.shape, 'float32'));
    }
  } catch (e) {
    disposeParams(params);
    throw e;
  }
  let disposed = false;
  return {
    name, config, tokenizer, logitScale,
    async embed(ids) {
      if (disposed) throw new MergelabError('disposed', `The text model ${name} was released.`, 'Open it again with openTextModel.');
      const out = clipTextForward(params, config, ids);
      try {
        const [textEmbeds, pooled] = await Promise.all([out.textEmbeds.data(), out.pooled.data()]);
        return { textEmbeds: textEmbeds as Float32Array, pooled: pooled as Float32Array };
      } finally {
        out.textEmbeds.dispose();
        out.pooled.dispose();
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      disposeParams(params);
    },
  };
}
