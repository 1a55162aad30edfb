/**
 * The text half of a random-weight CLIPModel for gen-vitb32: the real ViT-B/32 text shapes
 * (VIT_B_32_TEXT: width 512, 12 layers, 8 heads, MLP 2048, vocabulary 49408, context 77,
 * projection 512) and tokenizer files of a SYNTHETIC vocabulary in CLIP's format: the 256 byte
 * symbols (GPT-2's byte-to-unicode map), the same with "</w>", then merges of lowercase letters
 * (breadth first: every "<prefix> <letter>" and "<prefix> <letter></w>"), then
 * <|startoftext|>, <|endoftext|> as the last two ids (49406, 49407 at the real size). The
 * tokenization is plausible, not openai's: these files exist for benchmarks, not for accuracy.
 */
import type { ClipTextConfig } from '../src/engine/model/clip-text/config';

export const VIT_B_32_TEXT: ClipTextConfig = {
  hiddenSize: 512, layers: 12, heads: 8, intermediateSize: 2048, projectionDim: 512,
  eosTokenId: 2, contextLength: 77, act: 'quick_gelu', layerNormEps: 1e-5, vocabSize: 49408,
};

/** GPT-2 / CLIP bytes_to_unicode, in CLIP's vocabulary order (printable bytes first). */
function byteSymbols(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) if (!bs.includes(b)) { bs.push(b); cs.push(256 + n++); }
  return cs.map((c) => String.fromCodePoint(c));
}

export interface TokenizerFiles {
  'vocab.json': string;
  'merges.txt': string;
  'tokenizer_config.json': string;
  'special_tokens_map.json': string;
}

/** Tokenizer files whose vocabulary has exactly `vocabSize` ids (at least 514). */
export function syntheticTokenizer(vocabSize: number, contextLength: number): TokenizerFiles {
  const bytes = byteSymbols();
  const vocab: string[] = [...bytes, ...bytes.map((b) => `${b}</w>`)];
  const merges: string[] = [];
  const want = vocabSize - vocab.length - 2;
  if (want < 0) throw new Error(`a CLIP vocabulary needs at least 514 ids, got ${vocabSize}`);
  const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
  let prefixes = letters;
  while (merges.length < want) {
    const next: string[] = [];
    for (const p of prefixes) {
      for (const c of letters) {
        if (merges.length < want) { merges.push(`${p} ${c}</w>`); vocab.push(`${p}${c}</w>`); }
        if (merges.length < want) { merges.push(`${p} ${c}`); vocab.push(`${p}${c}`); next.push(`${p}${c}`); }
      }
      if (merges.length >= want) break;
    }
    prefixes = next;
  }
  vocab.push('<|startoftext|>', '<|endoftext|>');
  const special = { bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>', pad_token: '<|endoftext|>' };
  return {
    'vocab.json': JSON.stringify(Object.fromEntries(vocab.map((t, i) => [t, i]))),
    'merges.txt': `#version: 0.2\n${merges.join('\n')}\n`,
    'tokenizer_config.json': JSON.stringify({ tokenizer_class: 'CLIPTokenizer', model_max_length: contextLength, do_lower_case: true, errors: 'replace', ...special }, null, 1),
    'special_tokens_map.json': JSON.stringify(special, null, 1),
  };
}

/** config.json of a full CLIPModel (text_config + vision_config + projection_dim). */
export function clipModelConfigJson(text: ClipTextConfig, vision: Record<string, unknown>, projectionDim: number): Record<string, unknown> {
  const { architectures: _a, ...visionConfig } = vision;
  return {
    architectures: ['CLIPModel'], model_type: 'clip', projection_dim: projectionDim, logit_scale_init_value: 2.6592, torch_dtype: 'float32',
    text_config: {
      model_type: 'clip_text_model', vocab_size: text.vocabSize, hidden_size: text.hiddenSize, intermediate_size: text.intermediateSize,
      num_hidden_layers: text.layers, num_attention_heads: text.heads, max_position_embeddings: text.contextLength,
      hidden_act: text.act, layer_norm_eps: text.layerNormEps, bos_token_id: 0, eos_token_id: text.eosTokenId, pad_token_id: 1,
    },
    vision_config: { ...visionConfig, model_type: 'clip_vision_model' },
  };
}
