/** STL10: classes and templates from fusion_bench/tasks/clip_classification/stl10.py (tanganke/fusion_bench). */
import type { TaskSpec } from './types';

export const stl10: TaskSpec = {
  name: 'stl10',
  title: 'STL10',
  classes: ['airplane', 'bird', 'car', 'cat', 'deer', 'dog', 'horse', 'monkey', 'ship', 'truck'],
  templates: ['a photo of a {}.', 'a photo of the {}.'],
  aliases: ['stl10', 'tanganke/stl10', 'clip-vit-base-patch32_stl10'],
  hub: { dataset: 'tanganke/stl10', testSize: 8000 },
  source: 'fusion_bench/tasks/clip_classification/stl10.py',
};
