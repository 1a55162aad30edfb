/** DTD (Describable Textures): classes and templates from fusion_bench/tasks/clip_classification/dtd.py (tanganke/fusion_bench). */
import type { TaskSpec } from './types';

export const dtd: TaskSpec = {
  name: 'dtd',
  title: 'DTD',
  classes: ['banded', 'blotchy', 'braided', 'bubbly', 'bumpy', 'chequered', 'cobwebbed', 'cracked', 'crosshatched', 'crystalline', 'dotted', 'fibrous', 'flecked', 'freckled', 'frilly', 'gauzy', 'grid', 'grooved', 'honeycombed', 'interlaced', 'knitted', 'lacelike', 'lined', 'marbled', 'matted', 'meshed', 'paisley', 'perforated', 'pitted', 'pleated', 'polka-dotted', 'porous', 'potholed', 'scaly', 'smeared', 'spiralled', 'sprinkled', 'stained', 'stratified', 'striped', 'studded', 'swirly', 'veined', 'waffled', 'woven', 'wrinkled', 'zigzagged'],
  templates: ['a photo of a {} texture.', 'a photo of a {} pattern.', 'a photo of a {} thing.', 'a photo of a {} object.', 'a photo of the {} texture.', 'a photo of the {} pattern.', 'a photo of the {} thing.', 'a photo of the {} object.'],
  aliases: ['dtd', 'tanganke/dtd', 'clip-vit-base-patch32_dtd'],
  hub: { dataset: 'tanganke/dtd', testSize: 1880 },
  source: 'fusion_bench/tasks/clip_classification/dtd.py',
};
