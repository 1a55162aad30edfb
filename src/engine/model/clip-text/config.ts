/**
 * The CLIP text tower's configuration and where it comes from: a Hugging Face `config.json`
 * (CLIPConfig with `text_config` and a top-level `projection_dim`, or a CLIPTextConfig /
 * CLIPTextModelWithProjection config at the top level; fields HF omits take CLIPTextConfig's
 * defaults), or an open_clip model config (`text_cfg` + `embed_dim` + `quick_gelu`, also inside
 * `model_cfg` as open_clip_config.json has it). `eosTokenId` selects the pooling rule: 2 (legacy
 * configs such as openai's) pools at the largest id, anything else at the first end token;
 * open_clip always pools at the largest id, so its configs give 2.
 */
import { CheckpointError } from '../../errors';
import { quote } from '../../io/bounded';
import type { HiddenAct } from '../transformer/layers';

export type { HiddenAct };

export interface ClipTextConfig {
  hiddenSize: number; // D
  layers: number; // L
  heads: number;
  intermediateSize: number; // M
  projectionDim: number; // P
  eosTokenId: number;
  contextLength: number; // positions
  act: HiddenAct;
  layerNormEps: number;
  vocabSize: number; // V
}

/** The eos_token_id of legacy configs, for which Hugging Face pools at the largest id (argmax). */
export const LEGACY_EOS_TOKEN_ID = 2;

export interface TextConfigResult {
  config: ClipTextConfig;
  /** "config.json text_config", "config.json text_cfg (open_clip)", … */
  from: string;
  notes: string[];
}

/** Hugging Face CLIPTextConfig defaults (transformers), keyed by config.json field. */
const HF_DEFAULTS = {
  vocab_size: 49408, hidden_size: 512, intermediate_size: 2048, num_hidden_layers: 12, num_attention_heads: 8,
  max_position_embeddings: 77, hidden_act: 'quick_gelu', layer_norm_eps: 1e-5, eos_token_id: 49407, projection_dim: 512,
} as const;
/** open_clip CLIPTextCfg defaults. */
const OPEN_CLIP_DEFAULTS = { context_length: 77, vocab_size: 49408, width: 512, heads: 8, layers: 12, mlp_ratio: 4 } as const;
/** Far above any CLIP text tower: beyond them a config is broken or hostile. */
const LIMITS = { vocab: 1 << 20, hidden: 16_384, intermediate: 65_536, layers: 512, heads: 1_024, context: 1 << 16, projection: 16_384 } as const;

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);
const HINT = 'Use the config.json saved with the model (a Hugging Face CLIPConfig with "text_config", or an open_clip config with "text_cfg").';

/** Reads the text config from a parsed config.json; `file` names it in errors. */
export function textConfigFromJson(json: unknown, file: string): TextConfigResult {
  if (!isObject(json)) throw new CheckpointError(file, 'is not a JSON object.', HINT);
  const openClip = isObject(json.model_cfg) ? json.model_cfg : json;
  if (isObject(openClip.text_cfg)) return fromOpenClip(openClip, openClip.text_cfg, file);
  const nested = json.text_config ?? json.text_config_dict;
  if (isObject(nested)) return fromHf(nested, json, file, 'config.json text_config');
  if (json.model_type === 'clip_text_model') return fromHf(json, json, file, 'config.json (CLIPTextConfig)');
  throw new CheckpointError(file, `describes no text tower: it has no "text_config" (Hugging Face CLIPConfig), no "text_cfg" (open_clip) and model_type is ${quote(json.model_type)}, not "clip_text_model".`,
    'Give the folder of a full CLIP model (vision and text towers, e.g. openai/clip-vit-base-patch32) or of a CLIPTextModelWithProjection, with its config.json.');
}

function checker(file: string) {
  const problems: string[] = [];
  const int = (key: string, v: unknown, max: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) { problems.push(`"${key}" must be a positive integer, got ${quote(v)}`); return 1; }
    if (v > max) problems.push(`"${key}" ${v} is larger than ${max}, more than any CLIP text model has`);
    return v;
  };
  const done = (c: ClipTextConfig) => {
    if (!['quick_gelu', 'gelu'].includes(c.act)) problems.push(`"hidden_act" ${quote(c.act)} is not supported (use "quick_gelu" or "gelu")`);
    if (!(c.layerNormEps > 0)) problems.push(`"layer_norm_eps" must be a positive number, got ${quote(c.layerNormEps)}`);
    if (c.hiddenSize % c.heads) problems.push(`the width ${c.hiddenSize} is not divisible by the ${c.heads} heads`);
    if (!Number.isInteger(c.eosTokenId) || c.eosTokenId < 0) problems.push(`"eos_token_id" must be a token id, got ${quote(c.eosTokenId)}`);
    if (problems.length) throw new CheckpointError(file, `has an unusable text config: ${problems.join('; ')}.`, HINT);
    return c;
  };
  return { int, done };
}

function fromHf(text: Json, top: Json, file: string, from: string): TextConfigResult {
  const defaulted: string[] = [];
  const field = (key: keyof typeof HF_DEFAULTS, o: Json = text): unknown => {
    if (o[key] === undefined || o[key] === null) { defaulted.push(`${key} ${HF_DEFAULTS[key]}`); return HF_DEFAULTS[key]; }
    return o[key];
  };
  const { int, done } = checker(file);
  // A full CLIPConfig keeps projection_dim at the top; a CLIPTextConfig inside it may repeat it.
  const projectionFrom = top !== text && top.projection_dim !== undefined ? top : text;
  const config = done({
    vocabSize: int('vocab_size', field('vocab_size'), LIMITS.vocab),
    hiddenSize: int('hidden_size', field('hidden_size'), LIMITS.hidden),
    intermediateSize: int('intermediate_size', field('intermediate_size'), LIMITS.intermediate),
    layers: int('num_hidden_layers', field('num_hidden_layers'), LIMITS.layers),
    heads: int('num_attention_heads', field('num_attention_heads'), LIMITS.heads),
    contextLength: int('max_position_embeddings', field('max_position_embeddings'), LIMITS.context),
    projectionDim: int('projection_dim', field('projection_dim', projectionFrom), LIMITS.projection),
    act: field('hidden_act') as HiddenAct,
    layerNormEps: field('layer_norm_eps') as number,
    eosTokenId: field('eos_token_id') as number,
  });
  const notes = defaulted.length ? [`${file} omits ${defaulted.map((d) => d.split(' ')[0]).join(', ')}: Hugging Face's CLIPTextConfig defaults were used (${defaulted.join(', ')}).`] : [];
  return { config, from, notes };
}

function fromOpenClip(model: Json, text: Json, file: string): TextConfigResult {
  const get = (key: keyof typeof OPEN_CLIP_DEFAULTS) => text[key] ?? OPEN_CLIP_DEFAULTS[key];
  const { int, done } = checker(file);
  const width = int('text_cfg.width', get('width'), LIMITS.hidden);
  const ratio = get('mlp_ratio');
  const config = done({
    vocabSize: int('text_cfg.vocab_size', get('vocab_size'), LIMITS.vocab),
    hiddenSize: width,
    intermediateSize: int('text_cfg.width × mlp_ratio', typeof ratio === 'number' ? Math.round(width * ratio) : ratio, LIMITS.intermediate),
    layers: int('text_cfg.layers', get('layers'), LIMITS.layers),
    heads: int('text_cfg.heads', get('heads'), LIMITS.heads),
    contextLength: int('text_cfg.context_length', get('context_length'), LIMITS.context),
    projectionDim: int('embed_dim', model.embed_dim, LIMITS.projection),
    act: model.quick_gelu === true ? 'quick_gelu' : 'gelu',
    layerNormEps: 1e-5,
    eosTokenId: LEGACY_EOS_TOKEN_ID,
  });
  const notes = [
    `${file} is an open_clip config: text_cfg and embed_dim were used; activation ${config.act} (${model.quick_gelu === true ? '"quick_gelu": true' : 'no "quick_gelu": true'}), layer norm eps 1e-5, pooling at the largest token id (open_clip's rule).`,
  ];
  return { config, from: 'config.json text_cfg (open_clip)', notes };
}
