/**
 * Published top-1 accuracies (%) of CLIP ViT-B/32, transcribed from their sources, so a user's run
 * can be read beside the number it tries to reproduce. Two checkpoint sets exist and their rows must
 * never be mixed: FusionBench's Hugging Face experts (`tanganke/clip-vit-base-patch32_<task>`,
 * re-trained with Adam 1e-5 for 4000 steps) and the task_vectors checkpoints of Task Arithmetic
 * (arXiv:2212.04089) that AdaMerging, Surgery and IntervMerge evaluate.
 */
import type { PublishedAccuracy } from './types';

export type CheckpointSet = PublishedAccuracy['checkpoints'];

export interface PublishedRow {
  method: string;
  /** One value per task, in the table's task order. */
  accuracies: readonly number[];
  /** The average the source prints (rounded as printed); null when it prints none. */
  average: number | null;
}

export interface PublishedTable {
  checkpoints: CheckpointSet;
  source: string;
  /** Registry task names, in column order. */
  tasks: readonly string[];
  rows: readonly PublishedRow[];
}

const EIGHT = ['sun397', 'stanford_cars', 'resisc45', 'eurosat', 'svhn', 'gtsrb', 'mnist', 'dtd'] as const;

/** FusionBench documentation, docs/modelpool/clip_vit.md, "Multi-task model merging methods using CLIP-ViT-B/32 models" (arXiv:2406.03280). */
export const FUSIONBENCH_B32_8: PublishedTable = {
  checkpoints: 'fusionbench',
  source: 'FusionBench docs (modelpool/clip_vit.md), CLIP-ViT-B/32 table; arXiv:2406.03280',
  tasks: EIGHT,
  rows: [
    { method: 'pretrained', accuracies: [63.2, 59.8, 60.7, 46.0, 31.6, 32.5, 48.2, 43.9], average: 48.2 },
    { method: 'individual', accuracies: [75.0, 78.3, 95.2, 99.0, 97.3, 98.9, 99.6, 79.7], average: 90.3 },
    { method: 'Weight averaging', accuracies: [65.4, 62.6, 70.8, 76.9, 64.5, 54.9, 86.3, 50.9], average: 66.5 },
    { method: 'Fisher merging', accuracies: [66.7, 64.0, 72.2, 91.6, 69.0, 64.3, 83.5, 53.7], average: 70.6 },
    { method: 'RegMean', accuracies: [67.8, 68.9, 82.5, 94.4, 90.6, 79.2, 97.6, 63.2], average: 80.5 },
    { method: 'Task Arithmetic', accuracies: [57.1, 55.7, 64.9, 76.7, 77.9, 68.5, 96.1, 47.2], average: 68.0 },
    { method: 'TIES-Merging', accuracies: [67.1, 64.2, 74.1, 76.8, 77.7, 69.4, 94.1, 54.0], average: 72.2 },
    { method: 'Task-wise AdaMerging', accuracies: [58.6, 56.9, 69.8, 82.4, 70.3, 58.9, 97.2, 55.3], average: 68.7 },
    { method: 'Layer-wise AdaMerging', accuracies: [67.9, 71.3, 83.5, 92.7, 87.4, 92.9, 98.2, 67.0], average: 82.6 },
    { method: 'Weight-Ensembling MoE', accuracies: [73.7, 76.8, 93.4, 98.2, 96.8, 98.2, 99.6, 76.6], average: 89.2 },
  ],
};

/** AdaMerging (Yang et al., ICLR 2024, arXiv:2310.02575), Table 1: ViT-B/32 on the task_vectors checkpoints. */
export const ADAMERGING_B32_8: PublishedTable = {
  checkpoints: 'task_vectors',
  source: 'AdaMerging, arXiv:2310.02575, Table 1 (ViT-B/32)',
  tasks: EIGHT,
  rows: [
    { method: 'pretrained', accuracies: [62.3, 59.7, 60.7, 45.5, 31.4, 32.6, 48.5, 43.8], average: 48.0 },
    { method: 'individual', accuracies: [75.3, 77.7, 96.1, 99.7, 97.5, 98.7, 99.7, 79.4], average: 90.5 },
    { method: 'Weight averaging', accuracies: [65.3, 63.4, 71.4, 71.7, 64.2, 52.8, 87.5, 50.1], average: 65.8 },
    { method: 'Task Arithmetic', accuracies: [55.2, 54.9, 66.7, 78.9, 80.2, 69.7, 97.3, 50.4], average: 69.1 },
    { method: 'TIES-Merging', accuracies: [59.8, 58.6, 70.7, 79.7, 86.2, 72.1, 98.3, 54.2], average: 72.4 },
    { method: 'Task-wise AdaMerging', accuracies: [58.0, 53.2, 68.8, 85.7, 81.1, 84.4, 92.4, 44.8], average: 71.1 },
    { method: 'Layer-wise AdaMerging', accuracies: [64.5, 68.1, 79.2, 93.8, 87.0, 91.9, 97.5, 59.1], average: 80.1 },
    { method: 'Layer-wise AdaMerging++', accuracies: [66.6, 68.3, 82.2, 94.2, 89.6, 89.0, 98.3, 60.6], average: 81.1 },
  ],
};

/** Representation Surgery (Yang et al., ICML 2024, arXiv:2402.02705), Table 1: ViT-B/32, task_vectors checkpoints. */
export const SURGERY_B32_8: PublishedTable = {
  checkpoints: 'task_vectors',
  source: 'Representation Surgery, arXiv:2402.02705, Table 1 (ViT-B/32)',
  tasks: EIGHT,
  rows: [
    { method: 'Task Arithmetic + Surgery', accuracies: [63.8, 59.9, 83.3, 97.9, 87.0, 87.0, 98.6, 69.4], average: 80.9 },
    { method: 'TIES-Merging + Surgery', accuracies: [69.8, 66.1, 87.3, 97.5, 86.7, 87.6, 98.5, 71.6], average: 83.2 },
    { method: 'Layer-wise AdaMerging + Surgery', accuracies: [69.8, 71.0, 88.9, 98.1, 91.7, 96.5, 98.8, 73.6], average: 86.1 },
  ],
};

/** IntervMerge (Osial et al., SDM 2025, arXiv:2412.17023): ViT-B/32, task_vectors checkpoints, rank 1. */
export const INTERVMERGE_B32_8: PublishedTable = {
  checkpoints: 'task_vectors',
  source: 'IntervMerge, arXiv:2412.17023 (ViT-B/32, rank 1)',
  tasks: EIGHT,
  rows: [
    { method: 'Layer-wise AdaMerging + IntervMerge', accuracies: [70.1, 75.2, 93.8, 99.4, 96.3, 98.3, 99.4, 78.0], average: 88.8 },
  ],
};

/**
 * The single-task numbers FusionBench's model cards print for the experts of the 14/20-task
 * extensions (`tanganke/clip-vit-base-patch32_<task>`, "Evaluation Results", test set). FER2013 and
 * KMNIST are absent: their ViT-B/32 cards could not be checked.
 */
export const FUSIONBENCH_B32_CARDS: PublishedTable = {
  checkpoints: 'fusionbench',
  source: 'FusionBench model cards on the Hugging Face Hub (tanganke/clip-vit-base-patch32_<task>), test set',
  tasks: ['oxford_flowers102', 'pcam', 'oxford_iiit_pet', 'stl10', 'cifar100', 'cifar10', 'food101', 'fashion_mnist', 'emnist_letters', 'rendered_sst2'],
  rows: [
    { method: 'pretrained', accuracies: [66.4, 60.6, 83.2, 97.1, 63.7, 89.8, 82.4, 63.0, 12.0, 58.6], average: null },
    { method: 'individual', accuracies: [88.6, 88.0, 90.8, 97.5, 88.4, 97.6, 88.4, 94.7, 95.6, 71.3], average: null },
  ],
};

export const PUBLISHED_TABLES: readonly PublishedTable[] = [FUSIONBENCH_B32_8, ADAMERGING_B32_8, SURGERY_B32_8, INTERVMERGE_B32_8, FUSIONBENCH_B32_CARDS];

/** Every published number for one task, across the tables, with its source and checkpoint set. */
export function publishedFor(task: string): PublishedAccuracy[] {
  const out: PublishedAccuracy[] = [];
  for (const table of PUBLISHED_TABLES) {
    const col = table.tasks.indexOf(task);
    if (col < 0) continue;
    for (const row of table.rows) out.push({ method: row.method, accuracy: row.accuracies[col], source: table.source, checkpoints: table.checkpoints });
  }
  return out;
}
