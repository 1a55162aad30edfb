/** EuroSAT: classes and templates from fusion_bench/tasks/clip_classification/eurosat.py (tanganke/fusion_bench). */
import type { TaskSpec } from './types';

export const eurosat: TaskSpec = {
  name: 'eurosat',
  title: 'EuroSAT',
  classes: ['annual crop land', 'forest', 'brushland or shrubland', 'highway or road', 'industrial buildings or commercial buildings', 'pasture land', 'permanent crop land', 'residential buildings or homes or apartments', 'river', 'lake or sea'],
  templates: ['a centered satellite photo of {}.', 'a centered satellite photo of a {}.', 'a centered satellite photo of the {}.'],
  aliases: ['eurosat', 'tanganke/eurosat', 'clip-vit-base-patch32_eurosat'],
  hub: { dataset: 'tanganke/eurosat', testSize: 2700 },
  source: 'fusion_bench/tasks/clip_classification/eurosat.py',
};
