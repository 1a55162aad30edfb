/** EMNIST (letters): classes and templates from fusion_bench/tasks/clip_classification/emnist_letters.py (tanganke/fusion_bench). */
import type { TaskSpec } from './types';

export const emnistLetters: TaskSpec = {
  name: 'emnist_letters',
  title: 'EMNIST (letters)',
  classes: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z'],
  templates: ['a photo of the digit character: "{}".'],
  aliases: ['emnist_letters', 'emnist-letters', 'emnist', 'tanganke/emnist_letters', 'clip-vit-base-patch32_emnist_letters'],
  hub: { dataset: 'tanganke/emnist_letters', testSize: 20800 },
  source: 'fusion_bench/tasks/clip_classification/emnist_letters.py',
};
