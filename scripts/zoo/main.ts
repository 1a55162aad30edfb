/**
 * `npm run zoo [-- --smoke] [--out <dir>] [--doc <file>] [--fashion-dir <dir>] [--pretrained-from <zoo dir>] [--finetune-lr <x>] [--finetune-steps <n>] [--logit-scale <s>] [--width <D>] [--patch <p>] [--remeasure]`
 * Regenerates the demo zoo from seeds: public/zoo/mini8/ and docs/zoo.md by default. --smoke runs
 * every stage with a few steps on a few images into a fresh temporary folder (no doc unless --doc).
 * --pretrained-from reuses another zoo's pretrained model and its tower (to tune the expert recipe quickly);
 * --finetune-lr / --finetune-steps override the recipe's expert fine-tuning, --logit-scale the suite's
 * logit scale, --width / --patch the tower (width D with MLP 4·D; for tuning trials);
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
import { FULL, SMOKE } from './recipe';
import { patchWasmTransposedMatMul } from '../../src/engine/train/wasm-matmul';

const USAGE = 'usage: npm run zoo -- [--smoke] [--out <dir>] [--doc <file>] [--fashion-dir <dir>] [--pretrained-from <zoo dir>] [--finetune-lr <x>] [--finetune-steps <n>] [--logit-scale <s>] [--width <D>] [--patch <p>] [--remeasure]';

export interface ZooArgs {
  smoke: boolean;
  out: string | null;
  doc: string | null;
  fashionDir?: string;
  pretrainedFrom?: string;
  finetune: { lr?: number; steps?: number };
  logitScale?: number;
  /** Tower overrides for trials: width D (MLP 4·D) and patch size. */
  tower: { width?: number; patch?: number };
  remeasure: boolean;
}

export function parseZooArgs(args: string[]): ZooArgs {
  const a: ZooArgs = { smoke: false, out: null, doc: null, finetune: {}, tower: {}, remeasure: false };
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
    if (args[i] === '--smoke') a.smoke = true;
    else if (args[i] === '--remeasure') a.remeasure = true;
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

/** Runs the generator; returns the results and the folder written. */
export async function zooMain(args: string[], log: (line: string) => void = console.log): Promise<{ out: string; results: ZooResults }> {
  const a = parseZooArgs(args);
  const out = a.out ?? (a.smoke ? await mkdtemp(join(tmpdir(), 'mergelab-zoo-')) : 'public/zoo/mini8');
  const doc = a.doc ?? (a.smoke ? null : 'docs/zoo.md');
  if (a.remeasure) {
    await initBackend();
    patchWasmTransposedMatMul();
    return { out, results: await remeasureZoo({ out, recipe: FULL, doc, log }) };
  }
  if (a.pretrainedFrom && resolve(a.pretrainedFrom) === resolve(out)) {
    throw new MergelabError('usage', `--pretrained-from ${a.pretrainedFrom} is the output folder, which is cleared first.`, 'Copy that zoo elsewhere and reuse the copy.');
  }
  if (a.pretrainedFrom && (a.tower.width || a.tower.patch)) {
    throw new MergelabError('usage', '--pretrained-from reuses that zoo\'s tower, so it cannot take --width or --patch.', 'Leave out --pretrained-from to pretrain the new tower from scratch.');
  }
  if (existsSync(out) && !a.smoke) {
    if (!existsSync(join(out, 'manifest.json'))) throw new MergelabError('usage', `${out} exists and is not a zoo (no manifest.json); refusing to overwrite it.`, 'Give an empty or new folder with --out.');
    await rm(out, { recursive: true });
  }
  const backend = await initBackend();
  patchWasmTransposedMatMul();
  log(`zoo: ${a.smoke ? 'smoke run' : 'full run'} into ${out} on ${backend.backend} (${tf.getBackend()})`);
  const base = a.smoke ? SMOKE : FULL;
  const t = base.tower;
  const tower = { ...t, hiddenSize: a.tower.width ?? t.hiddenSize, intermediateSize: a.tower.width ? 4 * a.tower.width : t.intermediateSize, patchSize: a.tower.patch ?? t.patchSize };
  const recipe = { ...base, tower, finetune: { ...base.finetune, ...a.finetune }, logitScale: a.logitScale ?? base.logitScale };
  const results = await runZoo({ out, recipe, fashionDir: a.fashionDir, pretrainedFrom: a.pretrainedFrom, doc, log });
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
