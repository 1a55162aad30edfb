/**
 * The pretraining pool: the world mixture (world.ts) plus, when the recipe asks, images drawn like
 * the eight tasks' but labelled otherwise — by the task that drew them, or by coarse classes
 * (pairs of the task's classes merged) — so the pretrained tower has seen the tasks' domains, as
 * CLIP's web pretraining saw images like its downstream tasks under other labels (Ortiz-Jiménez et
 * al., arXiv:2305.12827, find weight disentanglement emerges from pretraining, not architecture). Procedural tasks draw
 * from a stream of their own ("pretrain"), never their train or test streams.
 */
import type { ImageSet, ZooTask } from './tasks/task';
import { makeSplit } from './dataset';
import type { DomainLabels, Recipe } from './recipe';
import { worldTask } from './world';

/** Pretraining label of a task image of class k: world classes first, then each task's block. */
export function domainLabel(mode: DomainLabels, t: number, k: number, classesPerTask: readonly number[]): number {
  const W = worldTask.classes.length;
  if (mode === 'task') return W + t;
  let offset = W;
  for (let i = 0; i < t; i++) offset += Math.ceil(classesPerTask[i] / 2);
  return offset + Math.floor(k / 2);
}

/** Number of pretraining classes for a recipe and task list. */
export function pretrainClasses(r: Pick<Recipe, 'domainImages' | 'domainLabels'>, tasks: readonly ZooTask[]): number {
  const W = worldTask.classes.length;
  if (r.domainImages === 0) return W;
  return r.domainLabels === 'task' ? W + tasks.length : W + tasks.reduce((n, t) => n + Math.ceil(t.classes.length / 2), 0);
}

/** The world pool followed by `r.domainImages` relabelled images per task. */
export async function pretrainPool(r: Recipe, tasks: readonly ZooTask[]): Promise<ImageSet> {
  const world = await makeSplit(worldTask, 'train', r.worldImages, r.seed);
  if (r.domainImages === 0) return world;
  const parts = [world];
  const sizes = tasks.map((t) => t.classes.length);
  for (const [t, task] of tasks.entries()) {
    const s = await makeSplit(task, 'pretrain', r.domainImages, r.seed);
    parts.push({ images: s.images, labels: s.labels.map((k) => domainLabel(r.domainLabels, t, k, sizes)) });
  }
  const images = new Uint8Array(parts.reduce((n, p) => n + p.images.length, 0));
  const labels = new Int32Array(parts.reduce((n, p) => n + p.labels.length, 0));
  let [i, j] = [0, 0];
  for (const p of parts) { images.set(p.images, i); labels.set(p.labels, j); i += p.images.length; j += p.labels.length; }
  return { images, labels };
}
