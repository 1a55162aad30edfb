/**
 * The CLIP text weight-name table, kept as DATA: the canonical (Hugging Face `text_model.*`)
 * parameters with their shapes as functions of the config, and how each stored layout holds them —
 * Hugging Face with or without the `text_model.` prefix (newer transformers versions drop it in a
 * CLIPTextModelWithProjection), and open_clip (`token_embedding`, `positional_embedding`, packed
 * `attn.in_proj_*` split into q/k/v, `ln_final`, `text_projection` [D, P] transposed to [P, D]).
 * Tensors outside the text tower (vision tower, `position_ids` buffers, `attn_mask`) are ignored.
 */
import { CheckpointError } from '../../errors';
import { quote } from '../../io/bounded';
import type { ParamSpec } from '../clip-vit/checkpoint';
import { countLayers } from '../clip-vit/layout';
import type { SourceRef, Transform } from '../clip-vit/names';
import type { ClipTextConfig } from './config';

export const TM = 'text_model.';
export const TEXT_PROJECTION = 'text_projection.weight';
export const TOKEN_EMBEDDING = `${TM}embeddings.token_embedding.weight`;
export const POSITION_EMBEDDING = `${TM}embeddings.position_embedding.weight`;

type ShapeOf = (c: ClipTextConfig) => number[];
const D: ShapeOf = (c) => [c.hiddenSize];
const DD: ShapeOf = (c) => [c.hiddenSize, c.hiddenSize];

const LAYER: readonly { name: string; shape: ShapeOf }[] = [
  { name: 'self_attn.k_proj.weight', shape: DD }, { name: 'self_attn.k_proj.bias', shape: D },
  { name: 'self_attn.v_proj.weight', shape: DD }, { name: 'self_attn.v_proj.bias', shape: D },
  { name: 'self_attn.q_proj.weight', shape: DD }, { name: 'self_attn.q_proj.bias', shape: D },
  { name: 'self_attn.out_proj.weight', shape: DD }, { name: 'self_attn.out_proj.bias', shape: D },
  { name: 'layer_norm1.weight', shape: D }, { name: 'layer_norm1.bias', shape: D },
  { name: 'mlp.fc1.weight', shape: (c) => [c.intermediateSize, c.hiddenSize] }, { name: 'mlp.fc1.bias', shape: (c) => [c.intermediateSize] },
  { name: 'mlp.fc2.weight', shape: (c) => [c.hiddenSize, c.intermediateSize] }, { name: 'mlp.fc2.bias', shape: D },
  { name: 'layer_norm2.weight', shape: D }, { name: 'layer_norm2.bias', shape: D },
];

/** The canonical text parameters of a config, in Hugging Face state-dict order. */
export function textParams(c: ClipTextConfig): ParamSpec[] {
  const out: ParamSpec[] = [
    { name: TOKEN_EMBEDDING, shape: [c.vocabSize, c.hiddenSize] },
    { name: POSITION_EMBEDDING, shape: [c.contextLength, c.hiddenSize] },
  ];
  for (let i = 0; i < c.layers; i++) for (const r of LAYER) out.push({ name: `${TM}encoder.layers.${i}.${r.name}`, shape: r.shape(c) });
  out.push({ name: `${TM}final_layer_norm.weight`, shape: D(c) }, { name: `${TM}final_layer_norm.bias`, shape: D(c) });
  out.push({ name: TEXT_PROJECTION, shape: [c.projectionDim, c.hiddenSize] });
  return out;
}

const q = { kind: 'chunk', index: 0, of: 3 } as const;
const k = { kind: 'chunk', index: 1, of: 3 } as const;
const v = { kind: 'chunk', index: 2, of: 3 } as const;
const R = 'transformer.resblocks.';

/** open_clip's name (and transform) of a canonical per-layer name (after `…layers.{i}.`). */
const OPEN_CLIP_LAYER: Readonly<Record<string, { from: string; transform?: Transform }>> = {
  'self_attn.q_proj.weight': { from: 'attn.in_proj_weight', transform: q },
  'self_attn.k_proj.weight': { from: 'attn.in_proj_weight', transform: k },
  'self_attn.v_proj.weight': { from: 'attn.in_proj_weight', transform: v },
  'self_attn.q_proj.bias': { from: 'attn.in_proj_bias', transform: q },
  'self_attn.k_proj.bias': { from: 'attn.in_proj_bias', transform: k },
  'self_attn.v_proj.bias': { from: 'attn.in_proj_bias', transform: v },
  'self_attn.out_proj.weight': { from: 'attn.out_proj.weight' },
  'self_attn.out_proj.bias': { from: 'attn.out_proj.bias' },
  'layer_norm1.weight': { from: 'ln_1.weight' }, 'layer_norm1.bias': { from: 'ln_1.bias' },
  'mlp.fc1.weight': { from: 'mlp.c_fc.weight' }, 'mlp.fc1.bias': { from: 'mlp.c_fc.bias' },
  'mlp.fc2.weight': { from: 'mlp.c_proj.weight' }, 'mlp.fc2.bias': { from: 'mlp.c_proj.bias' },
  'layer_norm2.weight': { from: 'ln_2.weight' }, 'layer_norm2.bias': { from: 'ln_2.bias' },
};
const OPEN_CLIP_TOP: Readonly<Record<string, SourceRef>> = {
  [TOKEN_EMBEDDING]: { tensor: 'token_embedding.weight' },
  [POSITION_EMBEDDING]: { tensor: 'positional_embedding' },
  [`${TM}final_layer_norm.weight`]: { tensor: 'ln_final.weight' },
  [`${TM}final_layer_norm.bias`]: { tensor: 'ln_final.bias' },
  [TEXT_PROJECTION]: { tensor: 'text_projection', transform: { kind: 'transpose' } },
};
const LAYER_RE = /^text_model\.encoder\.layers\.(\d+)\.(.+)$/;

export interface TextLayout {
  format: 'hf' | 'open_clip';
  /** "CLIPModel (text part)", "CLIPTextModelWithProjection, no \"text_model.\" prefix", "open_clip CLIP (text part)". */
  layout: string;
  source(canonical: string): SourceRef;
  /** Whether a stored tensor belongs to the text tower's namespace (so an unknown one is a problem). */
  owns(stored: string): boolean;
  /** 1 + the highest layer index among the stored text tensors. */
  numLayers: number;
  /** The stored logit_scale tensor, when there is one. */
  logitScale: string | null;
  notes: string[];
}

/** The stored text-tower anchors: Hugging Face prefixed, unprefixed, open_clip. */
export const TEXT_ANCHORS = [TOKEN_EMBEDDING, 'embeddings.token_embedding.weight', 'token_embedding.weight'] as const;

/** Recognises the text tower's layout from the stored tensor names; `file` names the weights in errors. */
export function detectTextLayout(file: string, names: readonly string[]): TextLayout {
  const has = new Set(names);
  const logitScale = has.has('logit_scale') ? 'logit_scale' : null;
  const found = TEXT_ANCHORS.filter((a) => has.has(a));
  if (found.length > 1) {
    throw new CheckpointError(file, `mixes several CLIP text layouts (it has ${found.map((f) => quote(f)).join(' and ')}).`,
      'Keep one text tower per file: save the model again with only one set of weights.');
  }
  if (!found.length) {
    throw new CheckpointError(file, `has no text tower: none of its ${names.length} tensors is a token embedding (${TEXT_ANCHORS.map((a) => quote(a)).join(', ')}).`,
      'Give the folder of a full CLIP model (vision and text towers, e.g. openai/clip-vit-base-patch32) or of a CLIPTextModelWithProjection: a CLIPVisionModel expert has no text tower.');
  }
  const anchor = found[0];
  if (anchor === 'token_embedding.weight') {
    return {
      format: 'open_clip',
      layout: has.has('visual.conv1.weight') ? 'open_clip CLIP (text part)' : 'open_clip text tower',
      source(c) {
        const top = OPEN_CLIP_TOP[c];
        if (top) return top;
        const m = LAYER_RE.exec(c);
        const rule = m && OPEN_CLIP_LAYER[m[2]];
        return rule ? { tensor: `${R}${m![1]}.${rule.from}`, transform: rule.transform } : { tensor: c };
      },
      owns: (n) => n.startsWith(R) || n === 'token_embedding.weight' || n === 'positional_embedding' || n.startsWith('ln_final.') || n === 'text_projection',
      numLayers: countLayers(names, /^transformer\.resblocks\.(\d+)\./),
      logitScale,
      notes: ['open_clip names were mapped to Hugging Face names: attn.in_proj_weight/bias split into q/k/v_proj, text_projection [D, P] transposed into text_projection.weight [P, D].'],
    };
  }
  const prefix = anchor === TOKEN_EMBEDDING ? TM : '';
  const hasVision = names.some((n) => n.startsWith('vision_model.') || n === 'visual_projection.weight');
  const kind = hasVision ? 'CLIPModel (text part)' : 'CLIPTextModelWithProjection';
  const bare = (n: string) => n.startsWith('embeddings.') || n.startsWith('encoder.') || n.startsWith('final_layer_norm.');
  return {
    format: 'hf',
    layout: prefix ? kind : `${kind}, no "text_model." prefix`,
    source: (c) => ({ tensor: c.startsWith(TM) ? prefix + c.slice(TM.length) : c }),
    owns: (n) => (prefix ? n.startsWith(TM) : bare(n)) && !n.endsWith('position_ids'),
    numLayers: countLayers(names, new RegExp(`^${prefix.replace('.', '\\.')}encoder\\.layers\\.(\\d+)\\.`)),
    logitScale,
    notes: prefix ? [] : ['Tensor names have no "text_model." prefix; they were mapped to the canonical names.'],
  };
}
