/**
 * The tokenizer against the text-a golden ids (an independent reference tokenised the prompts),
 * by both routes: tokenizer.json, and vocab.json + merges.txt. Special ids come from the files
 * (a copy with other ids and names gives those), truncation keeps the end token last, and a
 * folder without tokenizer files gets a typed error naming the files.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memorySource, type ByteSource } from '../io/byte-source';
import { fixturePath } from '../testing/fixtures.node';
import { CLIP_MAX_MERGES, parseMerges } from './clip-bpe';
import { TokenizerError } from './errors';
import { openTokenizer } from './tokenizer';

const MODEL = fixturePath('text-a', 'model');
const golden = JSON.parse(readFileSync(fixturePath('text-a', 'tokens.json'), 'utf8')) as { prompts: string[]; input_ids: number[][] };

/** The model folder's files in memory, minus `drop`, with `replace` substituted (name → text). */
function folder(drop: string[] = [], replace: Record<string, string> = {}): ByteSource[] {
  const names = readdirSync(MODEL).filter((n) => !drop.includes(n));
  const out = names.map((n) => memorySource(replace[n] !== undefined ? new TextEncoder().encode(replace[n]) : readFileSync(`${MODEL}/${n}`), `model/${n}`));
  for (const n of Object.keys(replace)) if (!names.includes(n)) out.push(memorySource(new TextEncoder().encode(replace[n]), `model/${n}`));
  return out;
}
const text = (n: string) => readFileSync(`${MODEL}/${n}`, 'utf8');

describe('openTokenizer on text-a', () => {
  it('tokenizer.json: every golden prompt exactly, with the ids and context length from the files', async () => {
    const tok = await openTokenizer('model', folder());
    expect(tok.source).toBe('tokenizer.json');
    expect([tok.bosId, tok.eosId, tok.padId]).toEqual([738, 739, 739]);
    expect(tok.contextLength).toBe(77);
    expect(tok.contextFrom).toBe('config.json text_config.max_position_embeddings');
    expect(golden.prompts.map((p) => tok.encode(p))).toEqual(golden.input_ids);
  });

  it('vocab.json + merges.txt: the same ids when tokenizer.json is absent', async () => {
    const tok = await openTokenizer('model', folder(['tokenizer.json']));
    expect(tok.source).toBe('vocab.json + merges.txt');
    expect([tok.bosId, tok.eosId, tok.padId]).toEqual([738, 739, 739]);
    expect(golden.prompts.map((p) => tok.encode(p))).toEqual(golden.input_ids);
  });

  it('vocab.json + merges.txt without any config file: CLIPTokenizer defaults name the tokens, the vocab gives ids', async () => {
    const tok = await openTokenizer('model', folder(['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'config.json'], { 'config.json': '{"text_config": {"max_position_embeddings": 77}}' }));
    expect([tok.bosId, tok.eosId]).toEqual([738, 739]);
    expect(golden.prompts.map((p) => tok.encode(p))).toEqual(golden.input_ids);
  });
});

/** Swaps the ids of the special tokens with 5 and 6 and renames them, in a vocabulary object. */
function remapVocab(vocab: Record<string, number>, rename: Record<string, string>): Record<string, number> {
  const byId = new Map(Object.entries(vocab).map(([k, v]) => [v, k]));
  const out: Record<string, number> = {};
  const swap: Record<number, number> = { 738: 5, 739: 6, 5: 738, 6: 739 };
  for (const [id, tokenText] of byId) out[rename[tokenText] ?? tokenText] = swap[id] ?? id;
  return out;
}
const swapIds = (ids: number[]) => ids.map((i) => ({ 738: 5, 739: 6, 5: 738, 6: 739 } as Record<number, number>)[i] ?? i);

describe('special tokens come from the files', () => {
  it('tokenizer.json with other ids for the start and end tokens', async () => {
    const tj = JSON.parse(text('tokenizer.json'));
    tj.model.vocab = remapVocab(tj.model.vocab, {});
    for (const a of tj.added_tokens) a.id = a.id === 738 ? 5 : 6;
    tj.post_processor.cls[1] = 5;
    tj.post_processor.sep[1] = 6;
    const tok = await openTokenizer('model', folder([], { 'tokenizer.json': JSON.stringify(tj) }));
    expect([tok.bosId, tok.eosId, tok.padId]).toEqual([5, 6, 6]);
    expect(golden.prompts.map((p) => tok.encode(p))).toEqual(golden.input_ids.map(swapIds));
  });

  it('vocab.json + merges.txt with renamed special tokens named only in tokenizer_config.json', async () => {
    const vocab = remapVocab(JSON.parse(text('vocab.json')), { '<|startoftext|>': '<bos>', '<|endoftext|>': '<eos>' });
    const config = { ...JSON.parse(text('tokenizer_config.json')), bos_token: { content: '<bos>', __type: 'AddedToken' }, eos_token: '<eos>', unk_token: '<eos>', pad_token: null };
    const tok = await openTokenizer('model', folder(['tokenizer.json', 'special_tokens_map.json'], { 'vocab.json': JSON.stringify(vocab), 'tokenizer_config.json': JSON.stringify(config) }));
    expect([tok.bosId, tok.eosId, tok.padId]).toEqual([5, 6, null]);
    expect(golden.prompts.map((p) => tok.encode(p))).toEqual(golden.input_ids.map(swapIds));
  });

  it('special_tokens_map.json names the tokens over tokenizer_config.json', async () => {
    const vocab = remapVocab(JSON.parse(text('vocab.json')), { '<|startoftext|>': '<bos>', '<|endoftext|>': '<eos>' });
    const map = { bos_token: '<bos>', eos_token: '<eos>', unk_token: '<eos>', pad_token: '<eos>' };
    const tok = await openTokenizer('model', folder(['tokenizer.json'], { 'vocab.json': JSON.stringify(vocab), 'special_tokens_map.json': JSON.stringify(map) }));
    expect([tok.bosId, tok.eosId, tok.padId]).toEqual([5, 6, 6]);
  });

  it('a named special token missing from the vocabulary is a typed error naming the file', async () => {
    const config = { ...JSON.parse(text('tokenizer_config.json')), bos_token: '<nope>' };
    const p = openTokenizer('model', folder(['special_tokens_map.json'], { 'tokenizer_config.json': JSON.stringify(config) }));
    await expect(p).rejects.toBeInstanceOf(TokenizerError);
    await expect(p).rejects.toThrow(/tokenizer\.json: has no id for the start token "<nope>"/);
  });
});

describe('truncation', () => {
  const long = golden.prompts[10];
  const full = golden.input_ids[10];

  it.each([8, 12, 3, 2])('at context length %i keeps the start token, the first tokens and the end token last', async (n) => {
    for (const files of [folder(), folder(['tokenizer.json'])]) {
      const tok = await openTokenizer('model', files, { contextLength: n });
      const ids = tok.encode(long);
      expect(ids).toHaveLength(n);
      expect(ids).toEqual([...full.slice(0, n - 1), 739]);
    }
  });

  it('takes a smaller context length from config.json', async () => {
    const cfg = JSON.parse(text('config.json'));
    cfg.text_config.max_position_embeddings = 10;
    const tok = await openTokenizer('model', folder([], { 'config.json': JSON.stringify(cfg) }));
    expect(tok.contextLength).toBe(10);
    expect(tok.encode(long)).toEqual([...full.slice(0, 9), 739]);
    expect(tok.encode(golden.prompts[0])).toEqual(golden.input_ids[0]); // short prompts untouched
  });

  it('falls back to tokenizer_config.json model_max_length, then open_clip text_cfg.context_length', async () => {
    const a = await openTokenizer('model', folder(['config.json']));
    expect([a.contextLength, a.contextFrom]).toEqual([77, 'tokenizer_config.json model_max_length']);
    const b = await openTokenizer('model', folder([], { 'config.json': '{"text_cfg": {"context_length": 12}}' }));
    expect([b.contextLength, b.contextFrom]).toEqual([12, 'config.json text_cfg.context_length']);
  });

  it('refuses an unusable context length', async () => {
    await expect(openTokenizer('model', folder(), { contextLength: 1 })).rejects.toBeInstanceOf(TokenizerError);
    await expect(openTokenizer('model', folder(['config.json'], { 'tokenizer_config.json': '{"model_max_length": 1e30}' }))).rejects.toThrow(/context length/);
  });
});

describe('missing or broken files', () => {
  it('a folder without tokenizer files names the files needed', async () => {
    const p = openTokenizer('models/pretrained', folder(['tokenizer.json', 'vocab.json', 'merges.txt']));
    await expect(p).rejects.toBeInstanceOf(TokenizerError);
    await expect(p).rejects.toThrow('models/pretrained: has no tokenizer files: it needs tokenizer.json, or vocab.json and merges.txt.');
    await expect(p).rejects.toMatchObject({ code: 'tokenizer', hint: expect.stringContaining('tokenizer.json') });
  });

  it('says which half of vocab.json + merges.txt is missing', async () => {
    await expect(openTokenizer('m', folder(['tokenizer.json', 'merges.txt']))).rejects.toThrow('(vocab.json is there, merges.txt is not)');
    await expect(openTokenizer('m', folder(['tokenizer.json', 'vocab.json']))).rejects.toThrow('(merges.txt is there, vocab.json is not)');
  });

  it('invalid JSON and a malformed merge line are typed errors naming the file', async () => {
    await expect(openTokenizer('m', folder([], { 'tokenizer.json': '{"model": ' }))).rejects.toThrow(/model\/tokenizer\.json: is not valid JSON/);
    await expect(openTokenizer('m', folder(['tokenizer.json'], { 'merges.txt': '#version: 0.2\na b c\n' }))).rejects.toThrow(/merges\.txt: line 2 is not a merge/);
  });

  it('caps merges at CLIPTokenizer\'s 48894', () => {
    const lines = ['#version: 0.2', ...Array.from({ length: CLIP_MAX_MERGES + 5 }, (_, i) => `a${i} b`)];
    const m = parseMerges(lines.join('\n'));
    expect(m).toHaveLength(48894);
    expect(m[0]).toBe('a0 b');
  });
});
