/** KMNIST: classes and templates from fusion_bench/tasks/clip_classification/kmnist.py (tanganke/fusion_bench). */
import type { TaskSpec } from './types';

export const kmnist: TaskSpec = {
  name: 'kmnist',
  title: 'KMNIST',
  classes: ['お', 'き', 'す', 'つ', 'な', 'は', 'ま', 'や', 'れ', 'を'],
  templates: ['a photo of the character {}.'],
  aliases: ['kmnist', 'tanganke/kmnist', 'clip-vit-base-patch32_kmnist'],
  hub: { dataset: 'tanganke/kmnist', testSize: 10000 },
  source: 'fusion_bench/tasks/clip_classification/kmnist.py',
};
