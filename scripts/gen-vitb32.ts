/**
 * Writes random-weight CLIP ViT-B/32 vision checkpoints with the real shapes (VIT_B_32: hidden 768,
 * 12 layers, 12 heads, MLP 3072, patch 32, image 224, projection 512) as Hugging Face folders
 * (config.json + model.safetensors, F32, ~350 MB each), streamed tensor by tensor.
 * Weights and biases ~ N(0, 0.02), layer-norm weight 1 and bias 0. Experts are the pretrained
 * weights plus seeded N(0, 0.002) deltas on every tensor. Each tensor has its own seed, so an
 * expert is written without reading the pretrained file back. Folders that already hold the same
 * seed are reused unless --force. With --clip-model the pretrained folder is a full CLIPModel: the
 * same vision tensors, then a text tower at the real ViT-B/32 text shapes (gen-clip-text.ts), a
 * logit_scale of ln 100 and tokenizer files of a synthetic vocabulary (~600 MB); experts stay
 * vision-only, as FusionBench's are.
 *
 *   npm run gen:vitb32 -- [out=.cache/vitb32/pretrained] [--seed S] [--clip-model]
 *   npm run gen:vitb32 -- --count 8 --out-dir .cache/vitb32/pool [--seed S] [--clip-model]   (pretrained + expert-1..8)
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nodeFileSink } from '../src/engine/merge/file-sink.node.js';
import { nodeFileSource } from '../src/engine/io/node-source.node.js';
import { openSafetensors, writeSafetensors } from '../src/engine/io/safetensors';
import { type ClipVisionConfig, VIT_B_32, toHfConfigJson } from '../src/engine/model/clip-vit/config';
import { canonicalParams } from '../src/engine/model/clip-vit/names';
import type { ClipTextConfig } from '../src/engine/model/clip-text/config';
import { textParams } from '../src/engine/model/clip-text/names';
import { VIT_B_32_TEXT, clipModelConfigJson, syntheticTokenizer } from './gen-clip-text';
import { createRng } from '../src/engine/random';

export const GENERATOR = 'mergelab gen-vitb32 v1';
const WEIGHT_STD = 0.02;
const DELTA_STD = 0.002;

/** A per-(seed, stream, tensor) seed, so any tensor of any model can be made on its own. */
function tensorSeed(seed: number, stream: number, index: number): number {
  return (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca77) ^ Math.imul(index + 1, 0xc2b2ae3d)) >>> 0;
}

function fillNormal(out: Float32Array, seed: number, std: number): void {
  const rng = createRng(seed);
  for (let i = 0; i < out.length; i++) out[i] += std * rng.normal();
}

/** The pretrained value of a tensor; expert k (1-based) adds its own delta. */
export function makeTensor(name: string, size: number, index: number, seed: number, expert: number): Float32Array {
  const out = new Float32Array(size);
  const isNorm = /(layer_norm\d?|layrnorm|layernorm)\./.test(name);
  if (name === 'logit_scale') {
    out.fill(Math.log(100)); // a trained CLIP's value
    return out;
  }
  if (isNorm) {
    if (name.endsWith('.weight')) out.fill(1);
  } else {
    fillNormal(out, tensorSeed(seed, 0, index), WEIGHT_STD);
  }
  if (expert > 0) fillNormal(out, tensorSeed(seed, expert, index), DELTA_STD);
  return out;
}

async function alreadyThere(dir: string, seed: number, expert: number, text = false): Promise<boolean> {
  try {
    const st = await openSafetensors(await nodeFileSource(join(dir, 'model.safetensors')));
    const m = st.metadata;
    return m.generator === GENERATOR && m.seed === String(seed) && m.expert === String(expert) && (m.text === 'clip') === text;
  } catch {
    return false;
  }
}

/** Writes one checkpoint folder (the weights appear at once, renamed from a .partial file). Returns false when reused. */
export async function writeCheckpoint(dir: string, config: ClipVisionConfig, seed: number, expert: number, force = false): Promise<boolean> {
  if (!force && (await alreadyThere(dir, seed, expert))) return false;
  await mkdir(dir, { recursive: true });
  const specs = canonicalParams(config).map((p) => ({ name: p.name, dtype: 'F32' as const, shape: p.shape }));
  await writeFile(join(dir, 'config.json'), `${JSON.stringify(toHfConfigJson(config), null, 2)}\n`);
  const sink = await nodeFileSink(join(dir, 'model.safetensors'));
  try {
    await writeSafetensors(sink, specs, (s, i) => makeTensor(s.name, s.shape.reduce((a, b) => a * b, 1), i, seed, expert),
      { format: 'pt', generator: GENERATOR, seed: String(seed), expert: String(expert) });
  } catch (e) {
    await sink.abort?.();
    throw e;
  }
  return true;
}

/**
 * Writes a full CLIPModel folder: the vision tensors of writeCheckpoint (same seeds, so the vision
 * tower equals the vision-only pretrained of the same seed), the text tower, logit_scale (0-d),
 * config.json and tokenizer files. Returns false when reused.
 */
export async function writeClipModel(dir: string, vision: ClipVisionConfig, text: ClipTextConfig, seed: number, force = false): Promise<boolean> {
  if (!force && (await alreadyThere(dir, seed, 0, true))) return false;
  if (vision.projectionDim !== text.projectionDim) throw new Error(`the vision projection (${vision.projectionDim}) and the text projection (${text.projectionDim}) must agree`);
  await mkdir(dir, { recursive: true });
  const specs = [...canonicalParams(vision), ...textParams(text), { name: 'logit_scale', shape: [] }].map((p) => ({ name: p.name, dtype: 'F32' as const, shape: p.shape }));
  await writeFile(join(dir, 'config.json'), `${JSON.stringify(clipModelConfigJson(text, toHfConfigJson(vision), text.projectionDim), null, 2)}\n`);
  for (const [name, body] of Object.entries(syntheticTokenizer(text.vocabSize, text.contextLength))) await writeFile(join(dir, name), body);
  const sink = await nodeFileSink(join(dir, 'model.safetensors'));
  try {
    await writeSafetensors(sink, specs, (s, i) => makeTensor(s.name, s.shape.reduce((a, b) => a * b, 1), i, seed, 0),
      { format: 'pt', generator: GENERATOR, seed: String(seed), expert: '0', text: 'clip' });
  } catch (e) {
    await sink.abort?.();
    throw e;
  }
  return true;
}

function parseArgs(argv: string[]): { out: string; outDir?: string; count: number; seed: number; force: boolean; clipModel: boolean } {
  const opts = { out: '.cache/vitb32/pretrained', outDir: undefined as string | undefined, count: 0, seed: 0, force: false, clipModel: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--count') opts.count = Number(value());
    else if (a === '--out-dir') opts.outDir = value();
    else if (a === '--seed') opts.seed = Number(value());
    else if (a === '--force') opts.force = true;
    else if (a === '--clip-model') opts.clipModel = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else opts.out = a;
  }
  if (!Number.isInteger(opts.count) || opts.count < 0) throw new Error('--count must be a whole number ≥ 0');
  if (!Number.isInteger(opts.seed)) throw new Error('--seed must be an integer');
  if (opts.count > 0 && !opts.outDir) throw new Error('--count needs --out-dir (pretrained and expert-1..N are written there)');
  return opts;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const jobs: [string, number][] = o.outDir
    ? [[join(o.outDir, 'pretrained'), 0], ...Array.from({ length: o.count }, (_, k): [string, number] => [join(o.outDir!, `expert-${k + 1}`), k + 1])]
    : [[o.out, 0]];
  for (const [dir, expert] of jobs) {
    const t0 = performance.now();
    const wrote = o.clipModel && expert === 0
      ? await writeClipModel(dir, VIT_B_32, VIT_B_32_TEXT, o.seed, o.force)
      : await writeCheckpoint(dir, VIT_B_32, o.seed, expert, o.force);
    const cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    console.log(`${wrote ? 'wrote' : 'reused'} ${dir} (${cfg.architectures[0]}, ${expert ? `expert ${expert}` : 'pretrained'}, seed ${o.seed}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
