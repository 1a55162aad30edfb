/**
 * SVHN (cropped digits): FusionBench maps "svhn" to a module svhn.py that was not in the indexed
 * sources; the classes and template here are task_vectors' (src/datasets/templates.py,
 * svhn_template), which FusionBench's MNIST template also follows.
 */
import type { TaskSpec } from './types';

export const svhn: TaskSpec = {
  name: 'svhn',
  title: 'SVHN',
  classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  templates: ['a photo of the number: "{}".'],
  aliases: ['svhn', 'ufldl-stanford/svhn', 'tanganke/svhn', 'clip-vit-base-patch32_svhn'],
  hub: { dataset: 'ufldl-stanford/svhn', config: 'cropped_digits', testSize: 26032 },
  source: 'task_vectors src/datasets/templates.py (svhn_template)',
};
