/**
 * CLIP's byte-level BPE tokenizer, described as a `tokenizer.json` object built from a folder's
 * `vocab.json` + `merges.txt` (the files of the slow `CLIPTokenizer`).
 *
 * @huggingface/tokenizers constructs a tokenizer only from a `tokenizer.json` object, so this
 * file writes the object that transformers' `CLIPConverter` (convert_slow_tokenizer.py) writes
 * for these two files: NFC, whitespace runs → " ", lowercase; CLIP's split pattern (special
 * tokens, contractions, letter runs, single digits, other non-space runs) with the matches kept;
 * byte-level mapping without a prefix space; BPE with the "</w>" end-of-word suffix; the start and
 * end tokens added around every sequence (RobertaProcessing, as the converter does). Merges are
 * the lines after the "#version" header, capped at 49152 − 256 − 2 as `CLIPTokenizer` caps them
 * (openai's merge list is longer than the vocabulary it ships).
 */
import { TokenizerError } from './errors';

/** How many merges `CLIPTokenizer` reads from merges.txt (49152 − 256 − 2). */
export const CLIP_MAX_MERGES = 49152 - 256 - 2;

/** The special tokens by content (as named in tokenizer_config.json / special_tokens_map.json). */
export interface SpecialTokenNames {
  bos: string;
  eos: string;
  unk: string;
  pad: string | null;
}

const SPLIT_PATTERN = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

/** Parses merges.txt: skips the "#version" header and blank lines; each line is "left right". */
export function parseMerges(text: string, file = 'merges.txt'): string[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const merges: string[] = [];
  for (let i = 0; i < lines.length && merges.length < CLIP_MAX_MERGES; i++) {
    const line = lines[i];
    if (!line || (i === 0 && line.startsWith('#version'))) continue;
    if (line.split(' ').length !== 2) {
      throw new TokenizerError(file, `line ${i + 1} is not a merge of two symbols ("${line.slice(0, 40)}").`, 'Use the merges.txt saved with the model (one "left right" pair per line after "#version").');
    }
    merges.push(line);
  }
  return merges;
}

/** The tokenizer.json object for CLIP's BPE over `vocab` and `merges` with the named special tokens. */
export function clipTokenizerJson(vocab: Record<string, number>, merges: string[], names: SpecialTokenNames, vocabFile = 'vocab.json'): object {
  const idOf = (content: string, role: string) => {
    const id = vocab[content];
    if (!Number.isInteger(id)) {
      throw new TokenizerError(vocabFile, `has no entry for the ${role} token "${content}".`, 'Use the vocab.json saved with the model, or name tokens it holds in tokenizer_config.json.');
    }
    return id;
  };
  const contents = [...new Set([names.bos, names.eos, names.unk, ...(names.pad === null ? [] : [names.pad])])];
  const added = contents.map((content) => ({
    id: idOf(content, content === names.bos ? 'start' : content === names.eos ? 'end' : content === names.unk ? 'unknown' : 'padding'),
    content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true,
  }));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: SPLIT_PATTERN }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [names.eos, idOf(names.eos, 'end')],
      cls: [names.bos, idOf(names.bos, 'start')],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE', dropout: null, unk_token: names.unk, continuing_subword_prefix: '', end_of_word_suffix: '</w>',
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges,
    },
  };
}
