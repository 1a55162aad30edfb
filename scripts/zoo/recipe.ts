/**
 * The zoo's recipe: every size, step count and rate `npm run zoo` uses, in one place, and the
 * smoke recipe (a few steps on a few images) that CI runs to prove the generator works.
 */
import type { ClipVisionConfig } from '../../src/engine/model/clip-vit/config';
import { MINI_CONFIG } from './tower';

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
  pretrain: { steps: number; batch: number; lr: number; weightDecay: number };
  finetune: { steps: number; batch: number; lr: number; weightDecay: number };
  /** The suite's logit scale s (logits = s · normalize(z) · Hᵀ), for fine-tuning and scoring. */
  logitScale: number;
  /** Test images per task of the quick ("capped") evaluation the tests repeat. */
  cappedEval: number;
}

export const FULL: Recipe = {
  seed: 2026,
  tower: MINI_CONFIG,
  trainPool: 2000,
  trainPerTask: 500,
  testPerTask: 300,
  worldImages: 16_000,
  pretrain: { steps: 4000, batch: 32, lr: 3e-3, weightDecay: 0.05 },
  finetune: { steps: 400, batch: 32, lr: 1e-3, weightDecay: 0.1 },
  cappedEval: 60,
  logitScale: 100,
};

export const SMOKE: Recipe = {
  seed: 1,
  tower: MINI_CONFIG,
  trainPool: 40,
  trainPerTask: 24,
  testPerTask: 12,
  worldImages: 88,
  pretrain: { steps: 3, batch: 8, lr: 1e-3, weightDecay: 0.05 },
  finetune: { steps: 2, batch: 8, lr: 1e-3, weightDecay: 0.1 },
  cappedEval: 6,
  logitScale: 100,
};
