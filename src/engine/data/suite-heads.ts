/**
 * Zero-shot heads for a suite whose manifest names none: built from the pretrained folder's text
 * tower and tokenizer by an injected builder (zero-shot-builder.ts holds the default), with
 * progress, and cached by content — the hash of the text weights (safetensors headers and the
 * bytes of every tensor outside the vision tower; other weight files whole), config.json, the
 * tokenizer files, and each task's name, classes and templates — in memory for the process and,
 * when given, in a persistent store (the same name → bytes store the reference features use).
 * A folder without a text tower or tokenizer is refused with the files it needs.
 */
import { Hash64 } from '../hash';
import { type ByteSource, memorySource } from '../io/byte-source';
import { memorySink, openSafetensors, writeSafetensors } from '../io/safetensors';
import type { ClassificationHead } from '../model/heads';
import { findTask } from '../tasks/registry';
import { SuiteError } from './errors';

/** One task's head to build (the text-tower contract's HeadRequest). */
export interface HeadRequest { name: string; classes: readonly string[]; templates: readonly string[] }

export type BuildHeads = (
  pretrained: { name: string; files: ByteSource[] },
  tasks: HeadRequest[],
  progress: (done: number, total: number) => void,
  signal?: { readonly aborted: boolean },
) => Promise<{ heads: Map<string, ClassificationHead>; logitScale: number | null }>;

/** A persistent name → bytes store (eval/opfs-features.ts's FeatureStore has this shape). */
export interface HeadStore {
  load(name: string): Promise<Uint8Array | null>;
  save(name: string, bytes: Uint8Array): Promise<void>;
}

/** The template for a task neither the manifest nor the registry gives prompts for (CLIP's default prompt, arXiv:2103.00020 §3.1.4). */
export const DEFAULT_TEMPLATE = 'a photo of a {}.';

/** The manifest's templates, else the registry's for a known task, else DEFAULT_TEMPLATE. */
export function taskTemplates(name: string, given?: readonly string[]): string[] {
  return [...(given ?? findTask(name)?.templates ?? [DEFAULT_TEMPLATE])];
}

const base = (name: string) => name.slice(name.lastIndexOf('/') + 1);
const TOKENIZER_FILES = ['tokenizer.json', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json'];
const WEIGHTS = /\.(safetensors|bin|pt|pth)$/;
/** Vision-tower tensors (Hugging Face and open_clip names): not part of the heads' key. */
const VISION = /(^|\.)vision_model\.|^visual_projection\.|^visual\./;
/** Text-tower tensors (Hugging Face and open_clip names). */
const TEXT = /(^|\.)text_model\.|^text_projection|^token_embedding\.|^positional_embedding$|^ln_final\.|^transformer\.resblocks\./;

/**
 * What the folder lacks to build heads from it (empty: nothing): tokenizer files, and text-tower
 * tensors in its safetensors weights (pickled weights are not looked into here; the builder names
 * what is missing in them).
 */
export async function missingTextTower(files: readonly ByteSource[]): Promise<string[]> {
  const names = new Set(files.map((f) => base(f.name)));
  const missing: string[] = [];
  if (!names.has('tokenizer.json') && !(names.has('vocab.json') && names.has('merges.txt'))) missing.push('tokenizer files: tokenizer.json, or vocab.json + merges.txt');
  const st = files.filter((f) => base(f.name).endsWith('.safetensors'));
  const pickles = files.some((f) => /\.(bin|pt|pth)$/.test(base(f.name)));
  if (!pickles) {
    let text = false;
    for (const f of st) {
      const store = await openSafetensors(f).catch(() => null);
      if (store && [...store.tensors.keys()].some((k) => TEXT.test(k))) { text = true; break; }
    }
    if (!text) missing.push('a text tower in the weights (text_model.* and text_projection.weight, as a Hugging Face CLIPModel saves them, or open_clip\'s token_embedding, transformer.resblocks, ln_final, text_projection)');
  }
  return missing;
}

/** Content key of the heads: the text side of the folder and the requests. Reads the text tensors' bytes once. */
export async function headsKey(files: readonly ByteSource[], tasks: readonly HeadRequest[]): Promise<string> {
  const h = new Hash64();
  const sorted = [...files].sort((a, b) => (base(a.name) < base(b.name) ? -1 : 1));
  for (const f of sorted) {
    const name = base(f.name);
    if (name === 'config.json' || name === 'model.safetensors.index.json' || TOKENIZER_FILES.includes(name)) {
      h.utf8(`${name}:${f.size}`).words(words(await f.read(0, f.size)));
    } else if (name.endsWith('.safetensors')) {
      const store = await openSafetensors(f);
      h.utf8(`${name}:${f.size}`);
      for (const [k, info] of [...store.tensors].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        if (VISION.test(k)) continue;
        h.utf8(`${k}:${info.dtype}:${info.shape.join('x')}`);
        for (let o = 0; o < info.byteLength; o += CHUNK) h.words(words(await f.read(info.offset + o, Math.min(CHUNK, info.byteLength - o))));
      }
    } else if (WEIGHTS.test(name)) {
      h.utf8(`${name}:${f.size}`);
      for (let o = 0; o < f.size; o += CHUNK) h.words(words(await f.read(o, Math.min(CHUNK, f.size - o))));
    }
  }
  h.utf8(JSON.stringify(tasks.map((t) => [t.name, t.classes, t.templates])));
  return h.hex();
}

const CHUNK = 8 * 2 ** 20;

/** Bytes as 32-bit words (the last 0–3 bytes zero-padded; the length is hashed beside them). */
function words(b: Uint8Array): Uint32Array {
  const padded = new Uint8Array(Math.ceil(b.length / 4) * 4);
  padded.set(b);
  return new Uint32Array(padded.buffer);
}

/** Built heads in memory for this process, by key. */
const memo = new Map<string, Promise<{ heads: Map<string, ClassificationHead>; logitScale: number | null }>>();

/** Forgets the heads built in this process (they stay in a persistent store). */
export function forgetBuiltHeads(): void {
  memo.clear();
}

const fileName = (key: string) => `heads-${key}.safetensors`;

async function encode(key: string, r: { heads: Map<string, ClassificationHead>; logitScale: number | null }): Promise<Uint8Array> {
  const sink = memorySink();
  const heads = [...r.heads.values()];
  await writeSafetensors(sink, heads.map((h) => ({ name: h.task, dtype: 'F32' as const, shape: [h.numClasses, h.dim] })), (_s, i) => heads[i].weight,
    { 'mergelab.heads': key, ...(r.logitScale !== null ? { logit_scale: String(r.logitScale) } : {}) });
  return sink.bytes();
}

async function decode(key: string, bytes: Uint8Array): Promise<{ heads: Map<string, ClassificationHead>; logitScale: number | null } | null> {
  const store = await openSafetensors(memorySource(bytes, fileName(key)));
  if (store.metadata['mergelab.heads'] !== key) return null; // another key under this name: a miss
  const heads = new Map<string, ClassificationHead>();
  for (const [name, info] of store.tensors) {
    heads.set(name, { task: name, numClasses: info.shape[0], dim: info.shape[1], weight: (await store.read(name)).values as Float32Array });
  }
  const s = store.metadata.logit_scale;
  return { heads, logitScale: s === undefined ? null : Number(s) };
}

export interface SuiteHeadsOptions {
  build: BuildHeads;
  store?: HeadStore;
  onProgress?: (done: number, total: number) => void;
  /** Checked between batches of prompts: building stops with a CancelledError when it is aborted. */
  signal?: { readonly aborted: boolean };
  /** The suite folder, for messages. */
  root: string;
}

/** Builds (or finds cached) heads for `tasks` from the pretrained folder `dir`. */
export async function suiteHeads(dir: string, files: ByteSource[], tasks: HeadRequest[], opts: SuiteHeadsOptions): Promise<{ heads: Map<string, ClassificationHead>; logitScale: number | null; cached: boolean }> {
  const missing = await missingTextTower(files);
  if (missing.length) {
    throw new SuiteError(`${opts.root}/manifest.json`, `names no "heads", so the heads would be built from the pretrained model's text tower, but ${dir}/ lacks:\n- ${missing.join('\n- ')}`,
      'Add "heads": "heads.safetensors" (one F32 [C, P] tensor per task) to manifest.json, or use a pretrained folder holding the whole CLIP model (a Hugging Face CLIPModel: model.safetensors with text_model.*, config.json, tokenizer.json or vocab.json + merges.txt).');
  }
  const build = opts.build;
  const key = await headsKey(files, tasks);
  let hit = memo.get(key);
  let cached = !!hit;
  if (!hit) {
    hit = (async () => {
      const stored = await opts.store?.load(fileName(key)).catch(() => null);
      const found = stored ? await decode(key, stored).catch(() => null) : null;
      if (found) { cached = true; return found; }
      const built = await build({ name: dir, files }, tasks, (done, total) => opts.onProgress?.(done, total), opts.signal);
      await opts.store?.save(fileName(key), await encode(key, built)).catch(() => {}); // a full store never fails the suite
      return built;
    })();
    memo.set(key, hit);
    hit.catch(() => memo.delete(key));
  }
  const r = await hit;
  return { ...r, cached };
}
