/**
 * `npm run zoo [-- --recipe <name>] [--smoke] [--out <dir>] [--doc <file>] [--fashion-dir <dir>] [--pretrained-from <zoo dir>] [trial overrides] [--remeasure]`
 * Regenerates the demo zoo from seeds with a named recipe (recipe.ts; default v2, the shipped zoo's; v1 the first zoo's):
 * public/zoo/mini8/ and docs/zoo.md by default (another --out leaves docs/zoo.md alone unless --doc names it). --smoke runs every stage of the recipe's smoke
 * variant (a few steps on a few images) into a fresh temporary folder (no doc unless --doc).
 * --pretrained-from reuses another zoo's pretrained model and its tower (to tune the expert recipe quickly).
 * Trial overrides (for the lever search in docs/zoo.md): --pretrain-steps, --finetune-lr,
 * --finetune-steps, --finetune-scope all|attention, --domain-images <n per task>,
 * --domain-labels task|coarse|captions, --caption-rate <p>, --heads class-means|descriptions, --logit-scale, --width (MLP 4·D), --patch.
 * --resume continues an interrupted full run in its --out folder (pretrained model, heads and
 * finished experts are kept: a checkpoint per stage).
 * --remeasure only re-measures the existing zoo and rewrites results.json and the doc.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initBackend } from '../../src/engine/backend';
import { MergelabError } from '../../src/engine/errors';
import { type ZooResults, remeasureZoo, runZoo } from './pipeline';
import { DEFAULT_RECIPE, type DomainLabels, type FinetuneScope, type HeadSource, type Recipe, selectRecipe } from './recipe';
import { patchWasmTransposedMatMul } from '../../src/engine/train/wasm-matmul';

const USAGE = 'usage: npm run zoo -- [--recipe <name>] [--smoke] [--out <dir>] [--doc <file>] [--fashion-dir <dir>] [--pretrained-from <zoo dir>] [--pretrain-steps <n>] [--finetune-lr <x>] [--finetune-steps <n>] [--finetune-scope all|attention] [--domain-images <n>] [--domain-labels task|coarse|captions] [--caption-rate <p>] [--heads class-means|descriptions] [--logit-scale <s>] [--width <D>] [--patch <p>] [--resume] [--remeasure]';

export interface ZooArgs {
  recipe: string;
  smoke: boolean;
  out: string | null;
  doc: string | null;
  fashionDir?: string;
  pretrainedFrom?: string;
  finetune: { lr?: number; steps?: number; scope?: FinetuneScope };
  pretrainSteps?: number;
  domain: { images?: number; labels?: DomainLabels; captionRate?: number };
  heads?: HeadSource;
  logitScale?: number;
  /** Tower overrides for trials: width D (MLP 4·D) and patch size. */
  tower: { width?: number; patch?: number };
  remeasure: boolean;
  resume: boolean;
}

export function parseZooArgs(args: string[]): ZooArgs {
  const a: ZooArgs = { recipe: DEFAULT_RECIPE, smoke: false, out: null, doc: null, finetune: {}, domain: {}, tower: {}, remeasure: false, resume: false };
  for (let i = 0; i < args.length; i++) {
    const value = () => {
      if (i + 1 >= args.length) throw new MergelabError('usage', `${args[i]} needs a value`, USAGE);
      return args[++i];
    };
    const positive = () => {
      const flag = args[i];
      const x = Number(value());
      if (!(x > 0)) throw new MergelabError('usage', `${flag} needs a positive number, got ${args[i]}`, USAGE);
      return x;
    };
    const oneOf = <T extends string>(allowed: readonly T[]): T => {
      const flag = args[i];
      const v = value();
      if (!(allowed as readonly string[]).includes(v)) throw new MergelabError('usage', `${flag} must be one of ${allowed.join(', ')}, got ${v}`, USAGE);
      return v as T;
    };
    const count = () => {
      const flag = args[i];
      const x = Number(value());
      if (!(Number.isInteger(x) && x >= 0)) throw new MergelabError('usage', `${flag} needs a whole number ≥ 0, got ${args[i]}`, USAGE);
      return x;
    };
    if (args[i] === '--smoke') a.smoke = true;
    else if (args[i] === '--recipe') a.recipe = value();
    else if (args[i] === '--pretrain-steps') a.pretrainSteps = Math.round(positive());
    else if (args[i] === '--finetune-scope') a.finetune.scope = oneOf(['all', 'attention'] as const);
    else if (args[i] === '--domain-images') a.domain.images = count();
    else if (args[i] === '--domain-labels') a.domain.labels = oneOf(['task', 'coarse', 'captions'] as const);
    else if (args[i] === '--caption-rate') {
      const x = Number(value());
      if (!(x >= 0 && x <= 1)) throw new MergelabError('usage', `--caption-rate needs a probability in [0, 1], got ${args[i]}`, USAGE);
      a.domain.captionRate = x;
    } else if (args[i] === '--heads') a.heads = oneOf(['class-means', 'descriptions'] as const);
    else if (args[i] === '--remeasure') a.remeasure = true;
    else if (args[i] === '--resume') a.resume = true;
    else if (args[i] === '--out') a.out = value();
    else if (args[i] === '--doc') a.doc = value();
    else if (args[i] === '--fashion-dir') a.fashionDir = value();
    else if (args[i] === '--pretrained-from') a.pretrainedFrom = value();
    else if (args[i] === '--finetune-lr') a.finetune.lr = positive();
    else if (args[i] === '--finetune-steps') a.finetune.steps = Math.round(positive());
    else if (args[i] === '--logit-scale') a.logitScale = positive();
    else if (args[i] === '--width') a.tower.width = Math.round(positive());
    else if (args[i] === '--patch') a.tower.patch = Math.round(positive());
    else throw new MergelabError('usage', `unknown argument ${args[i]}`, USAGE);
  }
  return a;
}

/** The recipe with the trial overrides of the command line applied. */
export function withOverrides(base: Recipe, a: ZooArgs): Recipe {
  const t = base.tower;
  const tower = { ...t, hiddenSize: a.tower.width ?? t.hiddenSize, intermediateSize: a.tower.width ? 4 * a.tower.width : t.intermediateSize, patchSize: a.tower.patch ?? t.patchSize };
  const r: Recipe = {
    ...base,
    tower,
    pretrain: { ...base.pretrain, steps: a.pretrainSteps ?? base.pretrain.steps },
    finetune: { ...base.finetune, ...a.finetune },
    domainImages: a.domain.images ?? base.domainImages,
    domainLabels: a.domain.labels ?? base.domainLabels,
    captionRate: a.domain.captionRate ?? base.captionRate,
    heads: a.heads ?? base.heads,
    logitScale: a.logitScale ?? base.logitScale,
  };
  if (r.heads === 'descriptions' && !(r.domainLabels === 'captions' && r.domainImages > 0 && r.captionRate > 0)) {
    throw new MergelabError('usage', 'description heads need pretraining captions that name the classes', 'Give --domain-images <n> --domain-labels captions --caption-rate <p > 0> with --heads descriptions.');
  }
  return r;
}

const SHIPPED = 'public/zoo/mini8';

/** The doc a run rewrites: --doc, else docs/zoo.md only for the shipped zoo (a trial's --out folder leaves it alone). */
export function defaultDoc(a: Pick<ZooArgs, 'doc' | 'smoke'>, out: string): string | null {
  if (a.doc) return a.doc;
  return !a.smoke && resolve(out) === resolve(SHIPPED) ? 'docs/zoo.md' : null;
}

/** Runs the generator; returns the results and the folder written. */
export async function zooMain(args: string[], log: (line: string) => void = console.log): Promise<{ out: string; results: ZooResults }> {
  const a = parseZooArgs(args);
  const base = selectRecipe(a.recipe, a.smoke);
  const out = a.out ?? (a.smoke ? await mkdtemp(join(tmpdir(), 'mergelab-zoo-')) : SHIPPED);
  const doc = defaultDoc(a, out);
  if (a.remeasure) {
    await initBackend();
    patchWasmTransposedMatMul();
    return { out, results: await remeasureZoo({ out, recipe: base, doc, log }) };
  }
  if (a.pretrainedFrom && resolve(a.pretrainedFrom) === resolve(out)) {
    throw new MergelabError('usage', `--pretrained-from ${a.pretrainedFrom} is the output folder, which is cleared first.`, 'Copy that zoo elsewhere and reuse the copy.');
  }
  if (a.pretrainedFrom && (a.tower.width || a.tower.patch)) {
    throw new MergelabError('usage', '--pretrained-from reuses that zoo\'s tower, so it cannot take --width or --patch.', 'Leave out --pretrained-from to pretrain the new tower from scratch.');
  }
  if (existsSync(out) && !a.smoke && !a.resume) {
    if (!existsSync(join(out, 'manifest.json'))) throw new MergelabError('usage', `${out} exists and is not a zoo (no manifest.json); refusing to overwrite it.`, 'Give an empty or new folder with --out.');
    await rm(out, { recursive: true });
  }
  const backend = await initBackend();
  patchWasmTransposedMatMul();
  log(`zoo: recipe ${a.recipe}, ${a.smoke ? 'smoke run' : 'full run'} into ${out} on ${backend.backend} (${tf.getBackend()})`);
  const recipe = withOverrides(base, a);
  const results = await runZoo({ out, recipe, fashionDir: a.fashionDir, pretrainedFrom: a.pretrainedFrom, resume: a.resume, doc, log });
  const avg = (id: string) => results.full.rows[id].average.toFixed(1);
  log(`zoo: pretrained ${avg('pretrained')}, individual ${avg('individual')}, averaging ${avg('average')}, TA ${avg('task_arithmetic')}, TIES ${avg('ties')} (${(results.seconds.total / 60).toFixed(1)} min)`);
  return { out, results };
}

if (process.argv[1]?.replace(/\\/g, '/').endsWith('scripts/zoo/main.ts')) {
  zooMain(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof MergelabError ? `${e.message}\n${e.hint}` : e);
    process.exit(1);
  });
}
