/**
 * The text tokenizer of a CLIP model folder, from the folder's own files:
 *
 * - `tokenizer.json` (+ `tokenizer_config.json`, `special_tokens_map.json` when present), read by
 *   @huggingface/tokenizers, the library transformers.js uses, which follows the Rust
 *   `tokenizers` crate that transformers' fast tokenizers run;
 * - else `vocab.json` + `merges.txt`, turned into the equivalent tokenizer.json object in code
 *   (`clip-bpe.ts`: the library cannot be built from those two files directly).
 *
 * Special tokens are named by `special_tokens_map.json`, then `tokenizer_config.json`, then the
 * tokenizer.json post-processor (or, for vocab + merges, `CLIPTokenizer`'s defaults
 * "<|startoftext|>"/"<|endoftext|>"); their ids are always looked up in the folder's vocabulary,
 * never assumed. The context length is `text_config.max_position_embeddings` of `config.json`
 * (open_clip: `text_cfg.context_length`), else `model_max_length` of `tokenizer_config.json`.
 * `encode` returns unpadded ids with the start and end tokens; a longer text is cut so that it
 * keeps the start token, the first `contextLength − 2` tokens and the end token last (what
 * `tokenizer(text, truncation=True, max_length=77)` returns in transformers).
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { readJsonCapped, MAX_JSON_BYTES } from '../io/bounded';
import type { ByteSource } from '../io/byte-source';
import { baseName } from '../io/sharded';
import { clipTokenizerJson, parseMerges, type SpecialTokenNames } from './clip-bpe';
import { TokenizerError } from './errors';

/** The files a folder needs for a tokenizer: either route. */
export const TOKENIZER_FILES = ['tokenizer.json', 'vocab.json + merges.txt'] as const;

export interface TextTokenizer {
  /** Which files it was built from. */
  readonly source: 'tokenizer.json' | 'vocab.json + merges.txt';
  readonly bosId: number;
  readonly eosId: number;
  /** The padding token's id; null when the files name none. */
  readonly padId: number | null;
  /** The longest sequence, start and end tokens included. */
  readonly contextLength: number;
  /** Where the context length came from ("config.json text_config.max_position_embeddings", …). */
  readonly contextFrom: string;
  /** Unpadded ids, start and end tokens included, at most `contextLength` long. */
  encode(text: string): number[];
}

export interface TokenizerOptions {
  /** Overrides the context length read from the files. */
  contextLength?: number;
}

const MISSING_HINT = 'Copy the tokenizer files from the model\'s Hugging Face repository into the folder: tokenizer.json (with tokenizer_config.json), or vocab.json and merges.txt.';

/** Opens the tokenizer of one model folder, given the folder's files (names may be paths). */
export async function openTokenizer(folder: string, files: readonly ByteSource[], options: TokenizerOptions = {}): Promise<TextTokenizer> {
  const find = (name: string) => files
    .filter((f) => baseName(f.name) === name)
    .sort((a, b) => a.name.length - b.name.length)[0];
  const json = async (name: string) => {
    const f = find(name);
    return f ? (await readJsonCapped(f, (p) => new TokenizerError(f.name, p, `Re-download ${name} from the model's repository.`))) : undefined;
  };
  const tokJson = find('tokenizer.json');
  const vocabFile = find('vocab.json');
  const mergesFile = find('merges.txt');
  if (!tokJson && !(vocabFile && mergesFile)) {
    const has = vocabFile ? ' (vocab.json is there, merges.txt is not)' : mergesFile ? ' (merges.txt is there, vocab.json is not)' : '';
    throw new TokenizerError(folder, `has no tokenizer files${has}: it needs tokenizer.json, or vocab.json and merges.txt.`, MISSING_HINT);
  }
  const tokenizerConfig = asObject(await json('tokenizer_config.json'));
  const specialMap = asObject(await json('special_tokens_map.json'));
  const named = (key: string): string | null | undefined => tokenName(specialMap[key]) ?? tokenName(tokenizerConfig[key]);

  let tokenizer: Tokenizer;
  let source: TextTokenizer['source'];
  let names: { bos?: string | null; eos?: string | null; pad?: string | null };
  if (tokJson) {
    const obj = asObject(await readJsonCapped(tokJson, (p) => new TokenizerError(tokJson.name, p, 'Re-download tokenizer.json from the model\'s repository.'), 64 * MAX_JSON_BYTES));
    const fromPost = postProcessorTokens(obj.post_processor);
    names = { bos: named('bos_token') ?? fromPost.bos, eos: named('eos_token') ?? fromPost.eos, pad: named('pad_token') };
    tokenizer = build(tokJson.name, obj, tokenizerConfig);
    source = 'tokenizer.json';
  } else {
    const vocab = asObject(await readJsonCapped(vocabFile!, (p) => new TokenizerError(vocabFile!.name, p, 'Re-download vocab.json from the model\'s repository.'), 64 * MAX_JSON_BYTES));
    if (mergesFile!.size > 64 * MAX_JSON_BYTES) {
      throw new TokenizerError(mergesFile!.name, `is ${mergesFile!.size} bytes, too large for a merges list.`, 'Use the merges.txt saved with the model.');
    }
    const mergesText = decodeUtf8(mergesFile!, await mergesFile!.read(0, mergesFile!.size));
    const special: SpecialTokenNames = {
      bos: named('bos_token') ?? '<|startoftext|>',
      eos: named('eos_token') ?? '<|endoftext|>',
      unk: named('unk_token') ?? '<|endoftext|>',
      pad: named('pad_token') === undefined ? '<|endoftext|>' : named('pad_token')!,
    };
    names = special;
    const obj = clipTokenizerJson(vocab as Record<string, number>, parseMerges(mergesText, mergesFile!.name), special, vocabFile!.name);
    tokenizer = build(vocabFile!.name, obj, tokenizerConfig);
    source = 'vocab.json + merges.txt';
  }
  const where = tokJson ? tokJson.name : vocabFile!.name;
  const idOf = (name: string | null | undefined, role: string): number => {
    if (!name) throw new TokenizerError(folder, `names no ${role} token.`, 'Add bos_token and eos_token to tokenizer_config.json (as the model\'s repository has them).');
    const id = tokenizer.token_to_id(name);
    if (id === undefined) throw new TokenizerError(where, `has no id for the ${role} token "${name}".`, 'Use tokenizer files saved together with the model: the special tokens named in tokenizer_config.json must be in the vocabulary.');
    return id;
  };
  const bosId = idOf(names.bos, 'start');
  const eosId = idOf(names.eos, 'end');
  const padId = names.pad ? idOf(names.pad, 'padding') : null;
  const { contextLength, contextFrom } = contextOf(options, await json('config.json'), tokenizerConfig);

  return {
    source, bosId, eosId, padId, contextLength, contextFrom,
    encode(text: string): number[] {
      const ids = tokenizer.encode(text, { add_special_tokens: true }).ids;
      // Tokenizers whose post-processor adds nothing still give CLIP its start and end tokens.
      const body = ids.slice(ids[0] === bosId ? 1 : 0, ids.length && ids[ids.length - 1] === eosId ? -1 : ids.length);
      return [bosId, ...body.slice(0, Math.max(0, contextLength - 2)), eosId];
    },
  };
}

function build(file: string, obj: object, config: Record<string, unknown>): Tokenizer {
  try {
    return new Tokenizer(obj, config);
  } catch (e) {
    throw new TokenizerError(file, `could not be read as a tokenizer (${String((e as Error)?.message ?? e).slice(0, 160)}).`, 'Use the tokenizer files saved with the model; re-download them if they were changed.');
  }
}

function decodeUtf8(f: ByteSource, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TokenizerError(f.name, 'is not UTF-8 text.', 'Use the merges.txt saved with the model.');
  }
}

function asObject(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A special token as tokenizer_config.json writes it: a string, an AddedToken {content}, or null. */
function tokenName(v: unknown): string | null | undefined {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

/** Start and end tokens a tokenizer.json post-processor adds (RobertaProcessing/BertProcessing, TemplateProcessing). */
function postProcessorTokens(pp: unknown): { bos?: string; eos?: string } {
  const p = asObject(pp);
  if (Array.isArray(p.cls) && Array.isArray(p.sep)) return { bos: String(p.cls[0]), eos: String(p.sep[0]) };
  if (Array.isArray(p.single)) {
    const specials = p.single.map((s) => asObject(asObject(s).SpecialToken).id).filter((x): x is string => typeof x === 'string');
    if (specials.length >= 2) return { bos: specials[0], eos: specials[specials.length - 1] };
  }
  if (Array.isArray(p.processors)) {
    for (const q of p.processors) {
      const t = postProcessorTokens(q);
      if (t.bos) return t;
    }
  }
  return {};
}

function contextOf(options: TokenizerOptions, config: unknown, tokenizerConfig: Record<string, unknown>): { contextLength: number; contextFrom: string } {
  const ok = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 2 && (n as number) <= 1 << 16;
  if (options.contextLength !== undefined) {
    if (!ok(options.contextLength)) throw new TokenizerError('context length', `${options.contextLength} is not a usable context length.`, 'Give an integer from 2 to 65536.');
    return { contextLength: options.contextLength, contextFrom: 'option' };
  }
  const c = asObject(config);
  const candidates: [unknown, string][] = [
    [asObject(c.text_config).max_position_embeddings, 'config.json text_config.max_position_embeddings'],
    [c.model_type === 'clip_text_model' ? c.max_position_embeddings : undefined, 'config.json max_position_embeddings'],
    [asObject(c.text_cfg).context_length, 'config.json text_cfg.context_length'],
    [tokenizerConfig.model_max_length, 'tokenizer_config.json model_max_length'],
  ];
  for (const [n, from] of candidates) if (ok(n)) return { contextLength: n, contextFrom: from };
  throw new TokenizerError('config.json', 'gives no context length (text_config.max_position_embeddings).', 'Put the model\'s config.json (with its text_config) next to the tokenizer files.');
}
