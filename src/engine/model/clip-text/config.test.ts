/**
 * Where the text config comes from: a CLIPConfig's text_config (Hugging Face omits defaults:
 * CLIPTextConfig's fill them, with a note), a CLIPTextConfig at the top level, open_clip's text_cfg
 * (also inside open_clip_config.json's model_cfg), and clear errors for the rest.
 */
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../../errors';
import { textConfigFromJson } from './config';

describe('textConfigFromJson', () => {
  it('a CLIPConfig with a sparse text_config: the top-level projection_dim, CLIPTextConfig defaults for the rest', () => {
    const r = textConfigFromJson({ model_type: 'clip', projection_dim: 768, text_config: { hidden_size: 768, num_attention_heads: 12, eos_token_id: 2 } }, 'config.json');
    expect(r.config).toEqual({ hiddenSize: 768, layers: 12, heads: 12, intermediateSize: 2048, projectionDim: 768, eosTokenId: 2, contextLength: 77, act: 'quick_gelu', layerNormEps: 1e-5, vocabSize: 49408 });
    expect(r.from).toBe('config.json text_config');
    expect(r.notes[0]).toMatch(/omits vocab_size, intermediate_size, num_hidden_layers, max_position_embeddings, hidden_act, layer_norm_eps/);
  });

  it('a CLIPTextModelWithProjection config at the top level, without eos_token_id: the default 49407', () => {
    const r = textConfigFromJson({ model_type: 'clip_text_model', hidden_size: 64, intermediate_size: 256, num_hidden_layers: 3, num_attention_heads: 2, projection_dim: 32, hidden_act: 'gelu' }, 'c.json');
    expect([r.config.hiddenSize, r.config.layers, r.config.heads, r.config.projectionDim, r.config.act, r.config.eosTokenId]).toEqual([64, 3, 2, 32, 'gelu', 49407]);
  });

  it('open_clip: text_cfg, embed_dim, quick_gelu, mlp_ratio; also inside model_cfg; pooled at the largest id', () => {
    const cfg = { embed_dim: 512, quick_gelu: true, text_cfg: { context_length: 77, vocab_size: 49408, width: 512, heads: 8, layers: 12 } };
    const a = textConfigFromJson(cfg, 'config.json');
    expect(a.config).toEqual({ hiddenSize: 512, layers: 12, heads: 8, intermediateSize: 2048, projectionDim: 512, eosTokenId: 2, contextLength: 77, act: 'quick_gelu', layerNormEps: 1e-5, vocabSize: 49408 });
    const b = textConfigFromJson({ model_cfg: { ...cfg, quick_gelu: undefined, text_cfg: { ...cfg.text_cfg, mlp_ratio: 2 } } }, 'open_clip_config.json');
    expect([b.config.act, b.config.intermediateSize]).toEqual(['gelu', 1024]);
  });

  it('errors name the file and every bad field; a vision config describes no text tower', () => {
    expect(() => textConfigFromJson({ model_type: 'clip_vision_model', hidden_size: 768 }, 'config.json')).toThrow(/config\.json: describes no text tower/);
    const e = (() => { try { textConfigFromJson({ text_config: { hidden_size: 30, num_attention_heads: 4, hidden_act: 'relu', num_hidden_layers: -1 } }, 'config.json'); } catch (x) { return x as CheckpointError; } })();
    expect(e).toBeInstanceOf(CheckpointError);
    expect(e!.message).toMatch(/"num_hidden_layers" must be a positive integer, got -1/);
    expect(e!.message).toMatch(/"hidden_act" "relu" is not supported/);
    expect(e!.message).toMatch(/width 30 is not divisible by the 4 heads/);
  });
});
