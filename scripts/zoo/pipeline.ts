/**
 * `npm run zoo`, stage by stage: draw the eight tasks' training pools (the shipped train split is
 * each pool's start) and test splits → draw the pretraining pool (the world mixture, plus the
 * recipe's task-domain images with other labels: domains.ts) and pretrain the tower → build each
 * task's head (class means of the pretrained features of its train split, or the pretraining
 * classifier's rows for its class descriptions) → fine-tune one expert per task → write the suite
 * → measure it (full and capped test sets) → write results.json and the measured doc.
 * Deterministic from the recipe's seed; with `resume`, stages already written in the output
 * folder (pretrained model + heads, each expert) are kept.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { openCheckpointPath } from '../../src/engine/model/clip-vit/open-checkpoint-path.node.js';
import { loadParams } from '../../src/engine/model/clip-vit/load';
import { nodeFileSource } from '../../src/engine/io/node-source.node.js';
import { openSafetensors } from '../../src/engine/io/safetensors';
import { readHeads } from '../../src/engine/model/heads';
import type { ParamMap } from '../../src/engine/params/param-map';
import { createRng } from '../../src/engine/random';
import { hashString, makeSplit } from './dataset';
import { contactSheet } from './examples';
import { classDescription, pretrainClasses, pretrainPool } from './domains';
import { finetune } from './finetune';
import { classMeanHead } from './heads';
import { type Measurement, measureSuite } from './measure';
import { pretrain } from './pretrain';
import type { Recipe } from './recipe';
import { keepHandWritten, renderDoc } from './report';
import { zooTasks } from './tasks/index';
import type { ZooTask } from './tasks/task';
import { MINI_CONFIG, allFeatures } from './tower';
import { type SuiteTaskOut, writeModel, writeSuiteFiles } from './write-suite';

export interface ZooOptions {
  /** Suite folder to write (created). */
  out: string;
  recipe: Recipe;
  /** Folder of the Fashion-MNIST IDX files (default: Debian's). */
  fashionDir?: string;
  /**
   * Reuse the pretrained model of an existing zoo folder instead of pretraining (for tuning the
   * expert recipe; a committed zoo is always made without it).
   */
  pretrainedFrom?: string;
  /**
   * Resume an interrupted run in `out` (same recipe): a pretrained model and heads already written
   * there are loaded instead of trained again, and experts already written are kept.
   */
  resume?: boolean;
  /** Where to write the measured markdown (null: don't). */
  doc: string | null;
  log: (line: string) => void;
}

export interface ZooResults {
  name: string;
  recipe: Recipe;
  backend: string;
  /** Seconds per stage and in all. */
  seconds: Record<string, number>;
  params: number;
  /** Bytes of the written suite folder. */
  bytes: number;
  full: Measurement;
  capped: { limit: number } & Measurement;
}

export const SUITE_NAME = 'mini8';

async function folderBytes(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += (await stat(join(e.parentPath, e.name))).size;
  return n;
}

export async function runZoo(o: ZooOptions): Promise<ZooResults> {
  // A reused pretrained model brings its tower.
  const done = (...path: string[]) => existsSync(join(o.out, ...path));
  const resumed = o.resume && done('models', 'pretrained', 'model.safetensors') && done('heads.safetensors') && done('manifest.json');
  const from = o.pretrainedFrom ?? (resumed ? o.out : null);
  const reused = from ? await openCheckpointPath(join(from, 'models', 'pretrained')) : null;
  const r = reused ? { ...o.recipe, tower: reused.config } : o.recipe;
  const c = r.tower;
  const seconds: Record<string, number> = {};
  const t0 = performance.now();
  let mark = t0;
  const lap = (stage: string) => {
    const now = performance.now();
    seconds[stage] = (now - mark) / 1000;
    mark = now;
    o.log(`${stage}: ${seconds[stage].toFixed(1)} s`);
  };
  const meta = (role: string) => ({ zoo: SUITE_NAME, role, seed: String(r.seed) });

  const tasks = zooTasks(o.fashionDir);
  const splits = [];
  const px = c.imageSize * c.imageSize * 3;
  for (const t of tasks) {
    const pool = await makeSplit(t, 'train', r.trainPool, r.seed);
    const train = { images: pool.images.slice(0, r.trainPerTask * px), labels: pool.labels.slice(0, r.trainPerTask) };
    splits.push({ pool, train, test: await makeSplit(t, 'test', r.testPerTask, r.seed) });
  }
  lap('data');

  let pre: ParamMap;
  /** The heads of the tasks' class descriptions (heads 'descriptions'), by task. */
  let described: Float32Array[] | null = null;
  if (reused) {
    pre = await loadParams(reused);
    if (r.heads === 'descriptions') {
      const heads = await readHeads(await openSafetensors(await nodeFileSource(join(from!, 'heads.safetensors'))), tasks);
      described = tasks.map((t) => heads.get(t.name)!.weight);
    }
    o.log(resumed && !o.pretrainedFrom ? `resumed: pretrained model and heads kept from ${from}` : `pretrained model reused from ${from}`);
  } else {
    const pool = await pretrainPool(r, tasks);
    const trained = await pretrain(c, pool, pretrainClasses(r, tasks), { ...r.pretrain, log: (s, l, ms) => o.log(`  pretrain step ${s}/${r.pretrain.steps}: loss ${l.toFixed(3)} (${ms.toFixed(0)} ms/step)`) }, createRng(r.seed ^ hashString('pretrain')));
    pre = trained.params;
    if (r.heads === 'descriptions') described = descriptionHeads(trained.classifier, tasks, c.projectionDim!);
  }
  await writeModel(join(o.out, 'models', 'pretrained'), c, pre, meta('pretrained'));
  lap('pretrain');

  const out: SuiteTaskOut[] = [];
  for (let i = 0; i < tasks.length; i++) {
    const { train, test } = splits[i];
    const z = described ? new Float32Array(0) : await allFeatures(pre, c, train.images, train.labels.length);
    const head = described ? described[i] : classMeanHead(z, train.labels, tasks[i].classes.length);
    out.push({ name: tasks[i].name, classes: tasks[i].classes, head, train, test });
  }
  await writeSuiteFiles(o.out, SUITE_NAME, c, out, r.logitScale);
  await writeFile(join(o.out, 'examples.png'), contactSheet(out.map((t) => t.test)));
  lap('heads');

  for (const [i, t] of out.entries()) {
    if (o.resume && done('models', t.name, 'model.safetensors') && done('models', t.name, 'config.json')) {
      o.log(`  ${t.name}: kept (resumed)`);
      continue;
    }
    const expert = await finetune(c, pre, t.head, splits[i].pool, {
      ...r.finetune, logitScale: r.logitScale,
      log: (s, l, ms) => { if (s === r.finetune.steps) o.log(`  ${t.name}: final loss ${l.toFixed(3)} (${ms.toFixed(0)} ms/step)`); },
    }, createRng(r.seed ^ hashString(`finetune/${t.name}`)));
    await writeModel(join(o.out, 'models', t.name), c, expert, meta(`expert:${t.name}`));
    tf.dispose([...expert.values()]);
  }
  const params = [...pre.values()].reduce((n, v) => n + v.size, 0);
  tf.dispose([...pre.values()]);
  lap('experts');

  seconds.total = (performance.now() - t0) / 1000;
  return measureAndReport(o, { name: SUITE_NAME, recipe: r, backend: tf.getBackend(), seconds, params }, tasks);
}

/** Each task's head: the pretraining classifier's rows [C, P] for its class descriptions ('captions' labels). */
function descriptionHeads(classifier: Float32Array, tasks: readonly ZooTask[], P: number): Float32Array[] {
  const sizes = tasks.map((t) => t.classes.length);
  return tasks.map((_, i) => {
    const first = classDescription(i, 0, sizes);
    return classifier.slice(first * P, (first + sizes[i]) * P);
  });
}

/** Measures the written zoo (full and capped), then writes results.json and the doc. */
async function measureAndReport(o: ZooOptions, base: Omit<ZooResults, 'full' | 'capped' | 'bytes'>, tasks: ZooTask[]): Promise<ZooResults> {
  const t0 = performance.now();
  const full = await measureSuite(o.out);
  const capped = { limit: base.recipe.cappedEval, ...(await measureSuite(o.out, base.recipe.cappedEval)) };
  const measure = (performance.now() - t0) / 1000;
  o.log(`measure: ${measure.toFixed(1)} s`);
  const seconds = { ...base.seconds, total: base.seconds.total - (base.seconds.measure ?? 0) + measure, measure };
  const results: ZooResults = { ...base, seconds, bytes: 0, full, capped };
  await writeFile(join(o.out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  results.bytes = await folderBytes(o.out);
  await writeFile(join(o.out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  if (o.doc) {
    const previous = existsSync(o.doc) ? await readFile(o.doc, 'utf8') : null;
    await writeFile(o.doc, keepHandWritten(renderDoc(results, tasks, relative(dirname(o.doc), join(o.out, 'examples.png')).split('\\').join('/')), previous));
  }
  return results;
}

/** Re-measures an existing zoo (after an engine change) and rewrites results.json and the doc. */
export async function remeasureZoo(o: ZooOptions): Promise<ZooResults> {
  const old = JSON.parse(await readFile(join(o.out, 'results.json'), 'utf8')) as ZooResults;
  // results.json files from before the recipe recorded its tower, logit scale and pretraining domains were all made with these.
  const saved: Omit<Recipe, 'tower' | 'logitScale' | 'domainImages' | 'domainLabels' | 'captionRate' | 'heads'> & Partial<Recipe> = old.recipe;
  const recipe: Recipe = { tower: MINI_CONFIG, logitScale: 100, domainImages: 0, domainLabels: 'task', captionRate: 0, heads: 'class-means', ...saved };
  return measureAndReport(o, { name: old.name, recipe, backend: tf.getBackend(), seconds: old.seconds, params: old.params }, zooTasks(o.fashionDir));
}
