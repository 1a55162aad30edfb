/**
 * The CLIP vision weight-name table, kept as DATA: the canonical (Hugging Face) parameters with
 * their shapes as functions of the config, and the open_clip aliases (with the q/k/v row split and
 * the projection transpose). `{i}` in a name stands for the transformer layer index.
 */
import type { ParamSpec } from './checkpoint';
import type { ClipVisionConfig } from './config';

type ShapeOf = (c: ClipVisionConfig) => number[];

interface ParamRule {
  name: string;
  shape: ShapeOf;
}

const D: ShapeOf = (c) => [c.hiddenSize];

/** Before the layers, in HF state-dict order. */
const EMBEDDING_PARAMS: readonly ParamRule[] = [
  { name: 'vision_model.embeddings.class_embedding', shape: D },
  { name: 'vision_model.embeddings.patch_embedding.weight', shape: (c) => [c.hiddenSize, c.numChannels, c.patchSize, c.patchSize] },
  { name: 'vision_model.embeddings.position_embedding.weight', shape: (c) => [1 + (c.imageSize / c.patchSize) ** 2, c.hiddenSize] },
  { name: 'vision_model.pre_layrnorm.weight', shape: D },
  { name: 'vision_model.pre_layrnorm.bias', shape: D },
];

/** One transformer layer, in HF order (CLIPAttention registers k, v, q, out). */
const LAYER_PARAMS: readonly ParamRule[] = [
  { name: 'vision_model.encoder.layers.{i}.self_attn.k_proj.weight', shape: (c) => [c.hiddenSize, c.hiddenSize] },
  { name: 'vision_model.encoder.layers.{i}.self_attn.k_proj.bias', shape: D },
  { name: 'vision_model.encoder.layers.{i}.self_attn.v_proj.weight', shape: (c) => [c.hiddenSize, c.hiddenSize] },
  { name: 'vision_model.encoder.layers.{i}.self_attn.v_proj.bias', shape: D },
  { name: 'vision_model.encoder.layers.{i}.self_attn.q_proj.weight', shape: (c) => [c.hiddenSize, c.hiddenSize] },
  { name: 'vision_model.encoder.layers.{i}.self_attn.q_proj.bias', shape: D },
  { name: 'vision_model.encoder.layers.{i}.self_attn.out_proj.weight', shape: (c) => [c.hiddenSize, c.hiddenSize] },
  { name: 'vision_model.encoder.layers.{i}.self_attn.out_proj.bias', shape: D },
  { name: 'vision_model.encoder.layers.{i}.layer_norm1.weight', shape: D },
  { name: 'vision_model.encoder.layers.{i}.layer_norm1.bias', shape: D },
  { name: 'vision_model.encoder.layers.{i}.mlp.fc1.weight', shape: (c) => [c.intermediateSize, c.hiddenSize] },
  { name: 'vision_model.encoder.layers.{i}.mlp.fc1.bias', shape: (c) => [c.intermediateSize] },
  { name: 'vision_model.encoder.layers.{i}.mlp.fc2.weight', shape: (c) => [c.hiddenSize, c.intermediateSize] },
  { name: 'vision_model.encoder.layers.{i}.mlp.fc2.bias', shape: D },
  { name: 'vision_model.encoder.layers.{i}.layer_norm2.weight', shape: D },
  { name: 'vision_model.encoder.layers.{i}.layer_norm2.bias', shape: D },
];

const FINAL_PARAMS: readonly ParamRule[] = [
  { name: 'vision_model.post_layernorm.weight', shape: D },
  { name: 'vision_model.post_layernorm.bias', shape: D },
];

export const PROJECTION = 'visual_projection.weight';
const PROJECTION_PARAM: ParamRule = { name: PROJECTION, shape: (c) => [c.projectionDim ?? 0, c.hiddenSize] };

/** The canonical parameters of a config, in HF state-dict order; the projection iff projectionDim. */
export function canonicalParams(config: ClipVisionConfig): ParamSpec[] {
  const spec = (r: ParamRule, i?: number): ParamSpec => ({ name: i === undefined ? r.name : r.name.replace('{i}', String(i)), shape: r.shape(config) });
  const out = EMBEDDING_PARAMS.map((r) => spec(r));
  for (let i = 0; i < config.numLayers; i++) out.push(...LAYER_PARAMS.map((r) => spec(r, i)));
  out.push(...FINAL_PARAMS.map((r) => spec(r)));
  if (config.projectionDim) out.push(spec(PROJECTION_PARAM));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stored names → canonical names

/**
 * How a stored tensor becomes a canonical one: `chunk` takes rows [k·n/3, (k+1)·n/3) of a q;k;v
 * stack (open_clip in_proj), `transpose` swaps the two axes (open_clip proj [D,P] → [P,D]).
 */
export type Transform = { kind: 'chunk'; index: 0 | 1 | 2; of: 3 } | { kind: 'transpose' };

export interface AliasRule {
  /** Stored name (after the layout's prefix). */
  from: string;
  /** Canonical name. */
  to: string;
  transform?: Transform;
}

const L = 'vision_model.encoder.layers.{i}.';
const R = 'transformer.resblocks.{i}.';
const q = { kind: 'chunk', index: 0, of: 3 } as const;
const k = { kind: 'chunk', index: 1, of: 3 } as const;
const v = { kind: 'chunk', index: 2, of: 3 } as const;

/**
 * open_clip VisionTransformer state dict (the task_vectors checkpoints of Ilharco et al.,
 * arXiv:2212.04089); every canonical name has one rule.
 */
export const OPEN_CLIP_ALIASES: readonly AliasRule[] = [
  { from: 'class_embedding', to: 'vision_model.embeddings.class_embedding' },
  { from: 'conv1.weight', to: 'vision_model.embeddings.patch_embedding.weight' },
  { from: 'positional_embedding', to: 'vision_model.embeddings.position_embedding.weight' },
  { from: 'ln_pre.weight', to: 'vision_model.pre_layrnorm.weight' },
  { from: 'ln_pre.bias', to: 'vision_model.pre_layrnorm.bias' },
  { from: `${R}attn.in_proj_weight`, to: `${L}self_attn.q_proj.weight`, transform: q },
  { from: `${R}attn.in_proj_weight`, to: `${L}self_attn.k_proj.weight`, transform: k },
  { from: `${R}attn.in_proj_weight`, to: `${L}self_attn.v_proj.weight`, transform: v },
  { from: `${R}attn.in_proj_bias`, to: `${L}self_attn.q_proj.bias`, transform: q },
  { from: `${R}attn.in_proj_bias`, to: `${L}self_attn.k_proj.bias`, transform: k },
  { from: `${R}attn.in_proj_bias`, to: `${L}self_attn.v_proj.bias`, transform: v },
  { from: `${R}attn.out_proj.weight`, to: `${L}self_attn.out_proj.weight` },
  { from: `${R}attn.out_proj.bias`, to: `${L}self_attn.out_proj.bias` },
  { from: `${R}ln_1.weight`, to: `${L}layer_norm1.weight` },
  { from: `${R}ln_1.bias`, to: `${L}layer_norm1.bias` },
  { from: `${R}mlp.c_fc.weight`, to: `${L}mlp.fc1.weight` },
  { from: `${R}mlp.c_fc.bias`, to: `${L}mlp.fc1.bias` },
  { from: `${R}mlp.c_proj.weight`, to: `${L}mlp.fc2.weight` },
  { from: `${R}mlp.c_proj.bias`, to: `${L}mlp.fc2.bias` },
  { from: `${R}ln_2.weight`, to: `${L}layer_norm2.weight` },
  { from: `${R}ln_2.bias`, to: `${L}layer_norm2.bias` },
  { from: 'ln_post.weight', to: 'vision_model.post_layernorm.weight' },
  { from: 'ln_post.bias', to: 'vision_model.post_layernorm.bias' },
  { from: 'proj', to: PROJECTION, transform: { kind: 'transpose' } },
];

/** Where a canonical parameter is stored: the stored tensor's full name and how to convert it. */
export interface SourceRef {
  tensor: string;
  transform?: Transform;
}

const templateRegex = (t: string) => new RegExp(`^${t.replace(/[.]/g, '\\.').replace('{i}', '(\\d+)')}$`);
const OPEN_CLIP_MATCHERS = OPEN_CLIP_ALIASES.map((r) => ({ rule: r, re: templateRegex(r.to) }));

/** The open_clip tensor (with `prefix`, e.g. "visual.") that holds canonical `name`. */
export function openClipSource(name: string, prefix: string): SourceRef | null {
  for (const { rule, re } of OPEN_CLIP_MATCHERS) {
    const m = re.exec(name);
    if (m) return { tensor: prefix + rule.from.replace('{i}', m[1] ?? ''), transform: rule.transform };
  }
  return null;
}

/** The stored shape that yields canonical `shape` after `transform`. */
export function storedShape(shape: readonly number[], transform?: Transform): number[] {
  if (!transform) return [...shape];
  if (transform.kind === 'transpose') return [shape[1], shape[0]];
  return [shape[0] * transform.of, ...shape.slice(1)];
}
