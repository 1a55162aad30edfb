/** PCAM: classes and templates from fusion_bench/tasks/clip_classification/pcam.py (tanganke/fusion_bench). */
import type { TaskSpec } from './types';

export const pcam: TaskSpec = {
  name: 'pcam',
  title: 'PCAM',
  classes: ['lymph node', 'lymph node containing metastatic tumor tissue'],
  templates: ['this is a photo of {}'],
  aliases: ['pcam', 'tanganke/pcam', 'patch_camelyon', 'clip-vit-base-patch32_pcam'],
  hub: { dataset: 'tanganke/pcam', testSize: 32768 },
  source: 'fusion_bench/tasks/clip_classification/pcam.py',
};
