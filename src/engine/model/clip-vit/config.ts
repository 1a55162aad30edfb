/**
 * The CLIP vision tower's configuration, in the Hugging Face `CLIPVisionConfig` vocabulary
 * (camelCased). `projectionDim` is null when the checkpoint has no `visual_projection`.
 */
import type { HiddenAct } from '../transformer/layers';

export type { HiddenAct };

export interface ClipVisionConfig {
  hiddenSize: number; // D
  intermediateSize: number; // MLP width
  numLayers: number; // L
  numHeads: number;
  imageSize: number; // H = W
  patchSize: number;
  numChannels: number;
  projectionDim: number | null; // P
  hiddenAct: HiddenAct;
  layerNormEps: number;
}

/** Tokens per image: one CLS + (imageSize / patchSize)². */
export function numTokens(c: ClipVisionConfig): number {
  return 1 + (c.imageSize / c.patchSize) ** 2;
}

/** OpenAI CLIP ViT-B/32 (the lab's real-scale target). */
export const VIT_B_32: ClipVisionConfig = {
  hiddenSize: 768,
  intermediateSize: 3072,
  numLayers: 12,
  numHeads: 12,
  imageSize: 224,
  patchSize: 32,
  numChannels: 3,
  projectionDim: 512,
  hiddenAct: 'quick_gelu',
  layerNormEps: 1e-5,
};

/** The config.json Hugging Face writes for a CLIPVisionModel(WithProjection). */
export function toHfConfigJson(c: ClipVisionConfig): Record<string, unknown> {
  return {
    architectures: [c.projectionDim ? 'CLIPVisionModelWithProjection' : 'CLIPVisionModel'],
    model_type: 'clip_vision_model',
    hidden_size: c.hiddenSize,
    intermediate_size: c.intermediateSize,
    num_attention_heads: c.numHeads,
    num_hidden_layers: c.numLayers,
    image_size: c.imageSize,
    patch_size: c.patchSize,
    ...(c.projectionDim ? { projection_dim: c.projectionDim } : {}),
    hidden_act: c.hiddenAct,
    layer_norm_eps: c.layerNormEps,
    num_channels: c.numChannels,
    torch_dtype: 'float32',
  };
}
