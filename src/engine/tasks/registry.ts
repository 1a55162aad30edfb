/**
 * The registry of standard tasks: the 8 tasks of the CLIP merging benchmark (Task Arithmetic,
 * arXiv:2212.04089; AdaMerging, arXiv:2310.02575) and the 14- and 20-task extensions (TALL masks,
 * arXiv:2405.07813), one file per task with FusionBench's class names and templates; a
 * lookup by any alias a folder, dataset or expert checkpoint carries; and each task's published
 * ViT-B/32 accuracies (published.ts).
 */
import { cifar10 } from './cifar10';
import { cifar100 } from './cifar100';
import { dtd } from './dtd';
import { emnistLetters } from './emnist-letters';
import { eurosat } from './eurosat';
import { fashionMnist } from './fashion-mnist';
import { fer2013 } from './fer2013';
import { flowers102 } from './flowers102';
import { food101 } from './food101';
import { gtsrb } from './gtsrb';
import { kmnist } from './kmnist';
import { mnist } from './mnist';
import { oxfordPet } from './oxford-pet';
import { pcam } from './pcam';
import { renderedSst2 } from './rendered-sst2';
import { resisc45 } from './resisc45';
import { stanfordCars } from './stanford-cars';
import { stl10 } from './stl10';
import { sun397 } from './sun397';
import { svhn } from './svhn';
import { FUSIONBENCH_B32_8, publishedFor } from './published';
import type { StandardTask, TaskSpec } from './types';

export type { PublishedAccuracy, StandardTask } from './types';

const standard = (specs: readonly TaskSpec[]): StandardTask[] => specs.map((t) => ({ ...t, published: publishedFor(t.name) }));

/** The 8 tasks, in the order the papers' tables use. */
export const TASKS_8: readonly StandardTask[] = standard([sun397, stanfordCars, resisc45, eurosat, svhn, gtsrb, mnist, dtd]);
/** The 14-task extension: the 8 plus these 6. */
export const TASKS_14: readonly StandardTask[] = [...TASKS_8, ...standard([flowers102, pcam, fer2013, oxfordPet, stl10, cifar100])];
/** The 20-task extension: the 14 plus these 6. */
export const TASKS_20: readonly StandardTask[] = [...TASKS_14, ...standard([cifar10, food101, fashionMnist, emnistLetters, kmnist, renderedSst2])];

export const STANDARD_TASKS: readonly StandardTask[] = TASKS_20;

/** FusionBench's averages over the 8 tasks for its Hugging Face experts (the rows of its ViT-B/32 table). */
export const PUBLISHED_AVERAGES_8: readonly { method: string; accuracy: number; source: string }[] =
  FUSIONBENCH_B32_8.rows.map((r) => ({ method: r.method, accuracy: r.average as number, source: FUSIONBENCH_B32_8.source }));

/** Lower case, "\" → "/", no trailing "/", and a CLIP checkpoint prefix ("clip-vit-base-patch32_") removed. */
function normalise(name: string): string[] {
  const n = name.trim().toLowerCase().replace(/\\/g, '/').replace(/\/+$/, '');
  const base = n.slice(n.lastIndexOf('/') + 1);
  const stripped = base.replace(/^clip-vit-[a-z0-9-]+?_/, '');
  return [...new Set([n, base, stripped])];
}

const byAlias = new Map<string, StandardTask>();
for (const t of STANDARD_TASKS) for (const a of [t.name, ...t.aliases]) byAlias.set(a.toLowerCase(), t);

/**
 * The standard task a name refers to: a task name, alias, Hub dataset id, expert checkpoint id or
 * folder path ("models/clip-vit-base-patch32_sun397", "tanganke/sun397"); undefined when none.
 */
export function findTask(name: string): StandardTask | undefined {
  for (const n of normalise(name)) {
    const hit = byAlias.get(n) ?? byAlias.get(n.replace(/-/g, '_'));
    if (hit) return hit;
  }
  return undefined;
}
