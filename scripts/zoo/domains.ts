/**
 * The pretraining pool: the world mixture (world.ts) plus, when the recipe asks, images drawn like
 * the eight tasks' but labelled otherwise — by the task that drew them, by coarse classes
 * (pairs of the task's classes merged), or by "captions" that name the class only sometimes — so the pretrained tower has seen the tasks' domains, as
 * CLIP's web pretraining saw images like its downstream tasks under other labels (Ortiz-Jiménez et
 * al., arXiv:2305.12827, find weight disentanglement emerges from pretraining, not architecture). Procedural tasks draw
 * from a stream of their own ("pretrain"), never their train or test streams.
 */
import { createRng } from '../../src/engine/random';
import type { ImageSet, ZooTask } from './tasks/task';
import { hashString, makeSplit } from './dataset';
import type { DomainLabels, Recipe } from './recipe';
import { worldTask } from './world';

/**
 * Pretraining label of a task image of class k: world classes first, then each task's block.
 * 'captions': T task descriptions, then every task's class descriptions in order; `named` says
 * whether this image's caption names its class.
 */
export function domainLabel(mode: DomainLabels, t: number, k: number, classesPerTask: readonly number[], named = false): number {
  const W = worldTask.classes.length;
  if (mode === 'task') return W + t;
  if (mode === 'captions') return named ? classDescription(t, k, classesPerTask) : W + t;
  let offset = W;
  for (let i = 0; i < t; i++) offset += Math.ceil(classesPerTask[i] / 2);
  return offset + Math.floor(k / 2);
}

/** The pretraining class of task t's class k under 'captions' labels (its row in the classifier). */
export function classDescription(t: number, k: number, classesPerTask: readonly number[]): number {
  let offset = worldTask.classes.length + classesPerTask.length;
  for (let i = 0; i < t; i++) offset += classesPerTask[i];
  return offset + k;
}

/** Number of pretraining classes for a recipe and task list. */
export function pretrainClasses(r: Pick<Recipe, 'domainImages' | 'domainLabels'>, tasks: readonly ZooTask[]): number {
  const W = worldTask.classes.length;
  if (r.domainImages === 0) return W;
  if (r.domainLabels === 'task') return W + tasks.length;
  if (r.domainLabels === 'captions') return W + tasks.length + tasks.reduce((n, t) => n + t.classes.length, 0);
  return W + tasks.reduce((n, t) => n + Math.ceil(t.classes.length / 2), 0);
}

/** The world pool followed by `r.domainImages` relabelled images per task. */
export async function pretrainPool(r: Recipe, tasks: readonly ZooTask[]): Promise<ImageSet> {
  const world = await makeSplit(worldTask, 'train', r.worldImages, r.seed);
  if (r.domainImages === 0) return world;
  const parts = [world];
  const sizes = tasks.map((t) => t.classes.length);
  for (const [t, task] of tasks.entries()) {
    const s = await makeSplit(task, 'pretrain', r.domainImages, r.seed);
    const rng = createRng(r.seed ^ hashString(`${task.name}/captions`));
    parts.push({ images: s.images, labels: s.labels.map((k) => domainLabel(r.domainLabels, t, k, sizes, rng.next() < r.captionRate)) });
  }
  const images = new Uint8Array(parts.reduce((n, p) => n + p.images.length, 0));
  const labels = new Int32Array(parts.reduce((n, p) => n + p.labels.length, 0));
  let [i, j] = [0, 0];
  for (const p of parts) { images.set(p.images, i); labels.set(p.labels, j); i += p.images.length; j += p.labels.length; }
  return { images, labels };
}
