/** Oxford-IIIT Pet: classes and templates from fusion_bench/tasks/clip_classification/oxford_iiit_pet.py (tanganke/fusion_bench). */
import type { TaskSpec } from './types';

export const oxfordPet: TaskSpec = {
  name: 'oxford_iiit_pet',
  title: 'Oxford-IIIT Pet',
  classes: ['abyssinian', 'american_bulldog', 'american_pit_bull_terrier', 'basset_hound', 'beagle', 'bengal', 'birman', 'bombay', 'boxer', 'british_shorthair', 'chihuahua', 'egyptian_mau', 'english_cocker_spaniel', 'english_setter', 'german_shorthaired', 'great_pyrenees', 'havanese', 'japanese_chin', 'keeshond', 'leonberger', 'maine_coon', 'miniature_pinscher', 'newfoundland', 'persian', 'pomeranian', 'pug', 'ragdoll', 'russian_blue', 'saint_bernard', 'samoyed', 'scottish_terrier', 'shiba_inu', 'siamese', 'sphynx', 'staffordshire_bull_terrier', 'wheaten_terrier', 'yorkshire_terrier'],
  templates: ['a photo of a {}, a type of pet.'],
  aliases: ['oxford_iiit_pet', 'oxford-iiit-pet', 'oxford_pets', 'pets', 'timm/oxford-iiit-pet', 'clip-vit-base-patch32_oxford-iiit-pet', 'clip-vit-base-patch32_oxford_iiit_pet'],
  hub: { dataset: 'timm/oxford-iiit-pet', testSize: 3669 },
  source: 'fusion_bench/tasks/clip_classification/oxford_iiit_pet.py',
};
