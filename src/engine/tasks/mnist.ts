/** MNIST: classes and templates from fusion_bench/tasks/clip_classification/mnist.py (tanganke/fusion_bench). */
import type { TaskSpec } from './types';

export const mnist: TaskSpec = {
  name: 'mnist',
  title: 'MNIST',
  classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  templates: ['a photo of the number: "{}".'],
  aliases: ['mnist', 'ylecun/mnist', 'clip-vit-base-patch32_mnist'],
  hub: { dataset: 'ylecun/mnist', testSize: 10000 },
  source: 'fusion_bench/tasks/clip_classification/mnist.py',
};
