/**
 * The zoo's recipes: every size, step count, rate and data choice `npm run zoo` uses, by name
 * (`--recipe <name>`), each with its smoke variant (a few steps on a few images) that CI runs to
 * prove the generator works. v1 is the recipe of the zoo shipped first (pretraining on the
 * world mixture only); later recipes add levers that the lever search in docs/zoo.md measured.
 */
import type { ClipVisionConfig } from '../../src/engine/model/clip-vit/config';
import { MergelabError } from '../../src/engine/errors';
import { MINI_CONFIG } from './tower';

/**
 * Labels of the task-domain pretraining images (domains.ts): which task drew them; coarse classes
 * (pairs of the task's classes merged); or "captions" — with probability `captionRate` the image's
 * own class description, else its task's generic one, as web captions name the object only sometimes.
 */
export type DomainLabels = 'task' | 'coarse' | 'captions';

/**
 * Where the tasks' heads come from: the class means of the pretrained features of each class's
 * train images, or the pretraining classifier's rows for the classes' descriptions (needs
 * domainLabels 'captions'): a second "tower" for the class names, as CLIP's text tower is.
 */
export type HeadSource = 'class-means' | 'descriptions';

/** Which tower parameters the experts train: all of them, or the attention modules only (q, k, v and out projections; Jin et al., arXiv:2407.07089). */
export type FinetuneScope = 'all' | 'attention';

export interface Recipe {
  seed: number;
  /** The tower's architecture. */
  tower: ClipVisionConfig;
  /** Images per task the experts train on (a generated pool; real data: a sample). */
  trainPool: number;
  /** Images per task in the shipped train split (the pool's first ones; heads come from them) and test split. */
  trainPerTask: number;
  testPerTask: number;
  /** Size of the pretraining image pool (world.ts), drawn once and reshuffled per epoch. */
  worldImages: number;
  /**
   * Task-domain images per task added to the pretraining pool (0: none), drawn from a stream
   * of their own (procedural tasks) or the real data set's train split, with other labels than
   * the tasks' (`domainLabels`): the pretrained model sees images like the tasks', as CLIP did.
   */
  domainImages: number;
  domainLabels: DomainLabels;
  /** 'captions' labels: probability that a task-domain image's label is its own class description. */
  captionRate: number;
  heads: HeadSource;
  pretrain: { steps: number; batch: number; lr: number; weightDecay: number };
  /** scope: which parameters the experts train (absent: all; results.json files from before it existed). */
  finetune: { steps: number; batch: number; lr: number; weightDecay: number; scope?: FinetuneScope };
  /** The suite's logit scale s (logits = s · normalize(z) · Hᵀ), for fine-tuning and scoring. */
  logitScale: number;
  /** Test images per task of the quick ("capped") evaluation the tests repeat. */
  cappedEval: number;
}

const V1: Recipe = {
  seed: 2026,
  tower: MINI_CONFIG,
  trainPool: 2000,
  trainPerTask: 500,
  testPerTask: 300,
  worldImages: 16_000,
  domainImages: 0,
  domainLabels: 'task',
  captionRate: 0,
  heads: 'class-means',
  pretrain: { steps: 4000, batch: 32, lr: 3e-3, weightDecay: 0.05 },
  finetune: { steps: 400, batch: 32, lr: 1e-3, weightDecay: 0.1, scope: 'all' },
  cappedEval: 60,
  logitScale: 100,
};

const V1_SMOKE: Recipe = {
  seed: 1,
  tower: MINI_CONFIG,
  trainPool: 40,
  trainPerTask: 24,
  testPerTask: 12,
  worldImages: 88,
  domainImages: 0,
  domainLabels: 'task',
  captionRate: 0,
  heads: 'class-means',
  pretrain: { steps: 3, batch: 8, lr: 1e-3, weightDecay: 0.05 },
  finetune: { steps: 2, batch: 8, lr: 1e-3, weightDecay: 0.1, scope: 'all' },
  cappedEval: 6,
  logitScale: 100,
};

/**
 * v2: the lever search's best (docs/zoo.md, "Levers (v2 search)", trials B + D): pretraining also
 * sees 1,000 images per task whose "captions" name their class one time in four (else only their
 * task), the heads are the pretraining classifier's rows for the class descriptions (not class
 * means), and fine-tuning and scoring use the scale the tower was pretrained with (16). Its
 * schedules are the quick trial's as measured (pretraining 1,000 steps, experts 150).
 */
const V2: Recipe = {
  ...V1,
  domainImages: 1000,
  domainLabels: 'captions',
  captionRate: 0.25,
  heads: 'descriptions',
  logitScale: 16,
  pretrain: { ...V1.pretrain, steps: 1000 },
  finetune: { ...V1.finetune, steps: 150 },
};

const V2_SMOKE: Recipe = { ...V1_SMOKE, domainImages: 12, domainLabels: 'captions', captionRate: 0.5, heads: 'descriptions', logitScale: 16 };

export const RECIPES: Record<string, { full: Recipe; smoke: Recipe; about: string }> = {
  v1: { full: V1, smoke: V1_SMOKE, about: 'pretraining on the world mixture only (the first shipped zoo; its task vectors do not add)' },
  v2: { full: V2, smoke: V2_SMOKE, about: 'pretraining also on task-domain images with captions, description heads, logit scale 16 (quick-trial schedules; task vectors add)' },
};

/** The recipe `npm run zoo` uses without --recipe. */
export const DEFAULT_RECIPE = 'v2';

/** The full or smoke variant of a named recipe; an unknown name is a usage error listing the known ones. */
export function selectRecipe(name: string, smoke: boolean): Recipe {
  const r = RECIPES[name];
  if (!r) throw new MergelabError('usage', `unknown recipe ${name}`, `Known recipes: ${Object.entries(RECIPES).map(([k, v]) => `${k} (${v.about})`).join('; ')}.`);
  return smoke ? r.smoke : r.full;
}
