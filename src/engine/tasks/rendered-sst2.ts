/** Rendered SST2: classes and templates from fusion_bench/tasks/clip_classification/rendered_sst2.py (tanganke/fusion_bench). */
import type { TaskSpec } from './types';

export const renderedSst2: TaskSpec = {
  name: 'rendered_sst2',
  title: 'Rendered SST2',
  classes: ['negative', 'positive'],
  templates: ['a {} review of a movie.'],
  aliases: ['rendered_sst2', 'rendered-sst2', 'nateraw/rendered-sst2', 'tanganke/rendered_sst2', 'clip-vit-base-patch32_rendered-sst2', 'clip-vit-base-patch32_rendered_sst2'],
  hub: { dataset: 'nateraw/rendered-sst2', testSize: 1821 },
  source: 'fusion_bench/tasks/clip_classification/rendered_sst2.py',
};
