// The name table: canonical parameter lists (counts, order, shapes) and the open_clip aliases.
import { describe, expect, it } from 'vitest';
import { VIT_B_32 } from './config';
import { OPEN_CLIP_ALIASES, PROJECTION, canonicalParams, openClipSource, storedShape } from './names';

describe('canonicalParams', () => {
  it('ViT-B/32: 199 tensors without the projection (METHODS.md §0), 200 with it', () => {
    const all = canonicalParams(VIT_B_32);
    expect(all).toHaveLength(200);
    expect(all[all.length - 1]).toEqual({ name: PROJECTION, shape: [512, 768] });
    expect(canonicalParams({ ...VIT_B_32, projectionDim: null })).toHaveLength(199);
    expect(new Set(all.map((p) => p.name)).size).toBe(200);
    // OpenAI ViT-B/32 vision tower: 87,456,000 parameters without the projection, 87,849,216 with it.
    const count = all.reduce((a, p) => a + p.shape.reduce((x, d) => x * d, 1), 0);
    expect(count).toBe(87_849_216);
  });

  it('follows the Hugging Face state-dict order', () => {
    const names = canonicalParams({ ...VIT_B_32, numLayers: 1 }).map((p) => p.name);
    expect(names.slice(0, 5)).toEqual([
      'vision_model.embeddings.class_embedding', 'vision_model.embeddings.patch_embedding.weight',
      'vision_model.embeddings.position_embedding.weight', 'vision_model.pre_layrnorm.weight', 'vision_model.pre_layrnorm.bias',
    ]);
    expect(names[5]).toBe('vision_model.encoder.layers.0.self_attn.k_proj.weight');
    expect(names.slice(-3)).toEqual(['vision_model.post_layernorm.weight', 'vision_model.post_layernorm.bias', PROJECTION]);
  });

  it('shapes follow the config', () => {
    const c = { ...VIT_B_32, hiddenSize: 96, intermediateSize: 384, imageSize: 48, patchSize: 16, numChannels: 1, projectionDim: 24, numLayers: 3 };
    const shape = new Map(canonicalParams(c).map((p) => [p.name, p.shape]));
    expect(shape.get('vision_model.embeddings.patch_embedding.weight')).toEqual([96, 1, 16, 16]);
    expect(shape.get('vision_model.embeddings.position_embedding.weight')).toEqual([10, 96]);
    expect(shape.get('vision_model.encoder.layers.2.mlp.fc2.weight')).toEqual([96, 384]);
    expect(shape.get(PROJECTION)).toEqual([24, 96]);
  });
});

describe('open_clip aliases', () => {
  it('cover every canonical name exactly once, and q/k/v are the three row blocks of one tensor', () => {
    for (const p of canonicalParams({ ...VIT_B_32, numLayers: 2 })) {
      expect(OPEN_CLIP_ALIASES.filter((r) => new RegExp(`^${r.to.replace(/\./g, '\\.').replace('{i}', '\\d+')}$`).test(p.name)), p.name).toHaveLength(1);
      expect(openClipSource(p.name, 'visual.')?.tensor.startsWith('visual.')).toBe(true);
    }
    const parts = ['q', 'k', 'v'].map((x) => openClipSource(`vision_model.encoder.layers.11.self_attn.${x}_proj.weight`, ''));
    expect(parts.map((s) => s?.tensor)).toEqual(Array(3).fill('transformer.resblocks.11.attn.in_proj_weight'));
    expect(parts.map((s) => (s?.transform?.kind === 'chunk' ? s.transform.index : -1))).toEqual([0, 1, 2]);
  });

  it('stored shapes: q/k/v stacked, proj transposed', () => {
    expect(storedShape([768, 768], { kind: 'chunk', index: 1, of: 3 })).toEqual([2304, 768]);
    expect(storedShape([768], { kind: 'chunk', index: 0, of: 3 })).toEqual([2304]);
    expect(storedShape([512, 768], { kind: 'transpose' })).toEqual([768, 512]);
    expect(openClipSource(PROJECTION, 'visual.')).toEqual({ tensor: 'visual.proj', transform: { kind: 'transpose' } });
  });
});
