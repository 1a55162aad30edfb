/**
 * Where a checkpoint's ClipVisionConfig comes from: a Hugging Face `config.json` (CLIPVisionConfig,
 * or a full CLIPConfig with `vision_config` inside; HF omits fields equal to their defaults, so
 * CLIPVisionConfig's defaults fill the gaps), or, without one, the shapes of the weights. Shapes
 * cannot tell the number of heads nor the activation: those are assumed, with a note saying so.
 */
import { CheckpointError } from '../../errors';
import { quote } from '../../io/bounded';
import type { ClipVisionConfig, HiddenAct } from './config';

export interface ConfigResult {
  config: ClipVisionConfig;
  notes: string[];
}

/** Hugging Face CLIPVisionConfig defaults (transformers), keyed by config.json field. */
const HF_DEFAULTS = {
  hidden_size: 768,
  intermediate_size: 3072,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  image_size: 224,
  patch_size: 32,
  num_channels: 3,
  projection_dim: 512,
  hidden_act: 'quick_gelu',
  layer_norm_eps: 1e-5,
} as const;

const ACTS: readonly HiddenAct[] = ['quick_gelu', 'gelu'];

/**
 * Largest sizes accepted, far above any CLIP vision tower (ViT-bigG: hidden 1664, MLP 8192,
 * 48 layers): a config or shape beyond them is broken or hostile, and would make the model's
 * parameter table (and the work on it) unbounded.
 */
export const CONFIG_LIMITS = {
  hidden_size: 16_384,
  intermediate_size: 65_536,
  num_hidden_layers: 512,
  num_attention_heads: 1_024,
  image_size: 8_192,
  patch_size: 1_024,
  num_channels: 16,
  projection_dim: 16_384,
} as const;

/** Every field over its limit, as problems. */
function overLimits(c: Record<keyof typeof CONFIG_LIMITS, number | null>): string[] {
  return (Object.keys(CONFIG_LIMITS) as (keyof typeof CONFIG_LIMITS)[])
    .filter((k) => (c[k] ?? 0) > CONFIG_LIMITS[k])
    .map((k) => `"${k}" ${c[k]} is larger than ${CONFIG_LIMITS[k]}, more than any CLIP vision model has`);
}
/** Architectures whose weights include `visual_projection.weight`. */
const WITH_PROJECTION = ['CLIPVisionModelWithProjection', 'CLIPModel'];

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);

/**
 * Reads a config.json. `hasProjection`: whether the weights hold a projection; the projection is
 * also expected when the architectures say so (its absence is then reported by validation).
 */
export function configFromJson(json: unknown, file: string, hasProjection: boolean): ConfigResult {
  const fail = (problem: string) => new CheckpointError(file, problem,
    'Fix config.json (a Hugging Face CLIPVisionConfig or CLIPConfig), or remove it to infer the config from the weights.');
  if (!isObject(json)) throw fail('is not a JSON object.');
  const modelType = json.model_type;
  if (modelType !== undefined && modelType !== 'clip' && modelType !== 'clip_vision_model') {
    throw fail(`describes model_type ${quote(modelType)}, not a CLIP model ("clip" or "clip_vision_model").`);
  }
  const nested = json.vision_config ?? json.vision_config_dict;
  const isFull = modelType === 'clip' || isObject(nested);
  const vision: Json = isFull ? (isObject(nested) ? nested : {}) : json;
  const notes: string[] = [];
  if (isFull) notes.push(`${file} is a full CLIPConfig: its "vision_config" and top-level "projection_dim" were used.`);

  const defaulted: string[] = [];
  const problems: string[] = [];
  const field = (key: keyof typeof HF_DEFAULTS, from: Json = vision): unknown => {
    if (from[key] === undefined || from[key] === null) {
      defaulted.push(`${key} ${HF_DEFAULTS[key]}`);
      return HF_DEFAULTS[key];
    }
    return from[key];
  };
  const int = (key: keyof typeof HF_DEFAULTS, from?: Json): number => {
    const v = field(key, from);
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) { problems.push(`"${key}" must be a positive integer, got ${quote(v)}`); return 1; }
    return v;
  };
  const hiddenSize = int('hidden_size');
  const intermediateSize = int('intermediate_size');
  const numLayers = int('num_hidden_layers');
  const numHeads = int('num_attention_heads');
  const imageSize = int('image_size');
  const patchSize = int('patch_size');
  const numChannels = int('num_channels');
  const projection = int('projection_dim', isFull ? json : vision);
  const act = field('hidden_act');
  if (!ACTS.includes(act as HiddenAct)) problems.push(`"hidden_act" ${quote(act)} is not supported (use "quick_gelu" or "gelu")`);
  const eps = field('layer_norm_eps');
  if (typeof eps !== 'number' || !(eps > 0)) problems.push(`"layer_norm_eps" must be a positive number, got ${quote(eps)}`);
  problems.push(...overLimits({
    hidden_size: hiddenSize, intermediate_size: intermediateSize, num_hidden_layers: numLayers, num_attention_heads: numHeads,
    image_size: imageSize, patch_size: patchSize, num_channels: numChannels, projection_dim: projection,
  }));
  if (hiddenSize % numHeads) problems.push(`"hidden_size" ${hiddenSize} is not divisible by "num_attention_heads" ${numHeads}`);
  if (imageSize % patchSize) problems.push(`"image_size" ${imageSize} is not a multiple of "patch_size" ${patchSize}`);
  if (problems.length) throw fail(problems.join('; ') + '.');
  if (defaulted.length) notes.push(`${file} omits ${defaulted.map((d) => d.split(' ')[0]).join(', ')}: Hugging Face's defaults were used (${defaulted.join(', ')}).`);

  const archs = Array.isArray(json.architectures) ? json.architectures : [];
  const expectsProjection = archs.some((a) => WITH_PROJECTION.includes(a as string));
  return {
    config: {
      hiddenSize, intermediateSize, numLayers, numHeads, imageSize, patchSize, numChannels,
      projectionDim: hasProjection || expectsProjection ? projection : null,
      hiddenAct: act as HiddenAct,
      layerNormEps: eps as number,
    },
    notes,
  };
}

/** Shapes (canonical orientation) of the tensors shape inference needs; undefined when absent. */
export interface ShapeProbe {
  patchEmbedding?: readonly number[]; // [D, C, p, p]
  positionEmbedding?: readonly number[]; // [S, D]
  fc1?: readonly number[]; // layer 0 [M, D]
  projection?: readonly number[]; // [P, D]
  numLayers: number;
}

/** Heads cannot be read from shapes: the divisor of D whose head size is nearest CLIP's 64. */
function guessHeads(d: number): number {
  let best = 1;
  for (let h = 1; h <= d; h++) if (d % h === 0 && Math.abs(d / h - 64) < Math.abs(d / best - 64)) best = h;
  return best;
}

/** Infers the config from tensor shapes (no config.json). */
export function configFromShapes(s: ShapeProbe, file: string, what: { patch: string; pos: string; fc1: string }): ConfigResult {
  const missing = [
    !s.patchEmbedding || s.patchEmbedding.length !== 4 ? `${quote(what.patch)} (4-D)` : '',
    !s.positionEmbedding || s.positionEmbedding.length !== 2 ? `${quote(what.pos)} (2-D)` : '',
    !s.fc1 || s.fc1.length !== 2 ? `${quote(what.fc1)} (2-D)` : '',
  ].filter(Boolean);
  const hint = 'Add the model\'s config.json (Hugging Face CLIPVisionConfig) next to the weights.';
  if (missing.length || s.numLayers === 0) {
    throw new CheckpointError(file, `cannot infer the config from the shapes: ${[...missing, ...(s.numLayers ? [] : ['any transformer layer'])].join(', ')} missing or malformed.`, hint);
  }
  const [hiddenSize, numChannels, patchSize] = s.patchEmbedding!;
  const grid = Math.sqrt(s.positionEmbedding![0] - 1);
  if (!Number.isInteger(grid) || grid < 1) {
    throw new CheckpointError(file, `${quote(what.pos)} has ${s.positionEmbedding![0]} positions, which is not 1 + a square number of patches.`, hint);
  }
  const tooBig = overLimits({
    hidden_size: hiddenSize, intermediate_size: s.fc1![0], num_hidden_layers: s.numLayers, num_attention_heads: 0,
    image_size: grid * patchSize, patch_size: patchSize, num_channels: numChannels, projection_dim: s.projection?.[0] ?? null,
  });
  if (tooBig.length || !(hiddenSize > 0 && patchSize > 0 && numChannels > 0)) {
    throw new CheckpointError(file, `has impossible tensor shapes: ${tooBig.length ? tooBig.join('; ') : 'a patch embedding with a zero size'}.`, hint);
  }
  const numHeads = guessHeads(hiddenSize);
  const projectionDim = s.projection && s.projection.length === 2 ? s.projection[0] : null;
  return {
    config: {
      hiddenSize, intermediateSize: s.fc1![0], numLayers: s.numLayers, numHeads,
      imageSize: grid * patchSize, patchSize, numChannels, projectionDim,
      hiddenAct: 'quick_gelu', layerNormEps: 1e-5,
    },
    notes: [
      `No config.json: the config was inferred from the tensor shapes.`,
      `num_attention_heads cannot be read from the weights: assumed ${numHeads} (head size ${hiddenSize / numHeads}, CLIP's convention is 64). If that is wrong the outputs are wrong: add config.json.`,
      `hidden_act cannot be read from the weights: assumed quick_gelu (OpenAI CLIP); models trained with exact gelu need a config.json saying "hidden_act": "gelu".`,
      `layer_norm_eps assumed 1e-5 (CLIP's value).`,
    ],
  };
}
