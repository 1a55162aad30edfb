/** Fashion-MNIST: classes and templates from fusion_bench/tasks/clip_classification/fashion_mnist.py (tanganke/fusion_bench). */
import type { TaskSpec } from './types';

export const fashionMnist: TaskSpec = {
  name: 'fashion_mnist',
  title: 'Fashion-MNIST',
  classes: ['T - shirt / top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  templates: ['a photo of a {}.', 'a photo of the {}.'],
  aliases: ['fashion_mnist', 'fashion-mnist', 'fashionmnist', 'zalando-datasets/fashion_mnist', 'tanganke/fashion_mnist', 'clip-vit-base-patch32_fashion_mnist'],
  hub: { dataset: 'zalando-datasets/fashion_mnist', testSize: 10000 },
  source: 'fusion_bench/tasks/clip_classification/fashion_mnist.py',
};
