/** CIFAR10: classes and templates from fusion_bench/tasks/clip_classification/cifar10.py (tanganke/fusion_bench). */
import type { TaskSpec } from './types';

export const cifar10: TaskSpec = {
  name: 'cifar10',
  title: 'CIFAR10',
  classes: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
  templates: ['a photo of a {}.', 'a blurry photo of a {}.', 'a black and white photo of a {}.', 'a low contrast photo of a {}.', 'a high contrast photo of a {}.', 'a bad photo of a {}.', 'a good photo of a {}.', 'a photo of a small {}.', 'a photo of a big {}.', 'a photo of the {}.', 'a blurry photo of the {}.', 'a black and white photo of the {}.', 'a low contrast photo of the {}.', 'a high contrast photo of the {}.', 'a bad photo of the {}.', 'a good photo of the {}.', 'a photo of the small {}.', 'a photo of the big {}.'],
  aliases: ['cifar10', 'cifar-10', 'uoft-cs/cifar10', 'tanganke/cifar10', 'clip-vit-base-patch32_cifar10'],
  hub: { dataset: 'uoft-cs/cifar10', testSize: 10000 },
  source: 'fusion_bench/tasks/clip_classification/cifar10.py',
};
