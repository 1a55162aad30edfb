/**
 * The contract of a zoo task: a named classification problem on 32×32 RGB images, either drawn
 * procedurally (seeded: the same Rng state gives the same image) or read from a real data set.
 */
import type { Rng } from '../../../src/engine/random';
import type { Canvas } from '../raster';

/** Side of every zoo image (pixels). */
export const IMAGE_SIZE = 32;

/** A split in the suite's layout: images U8 [N, H, W, 3], labels [N]. */
export interface ImageSet {
  images: Uint8Array;
  labels: Int32Array;
}

interface TaskInfo {
  /** Suite task name (a folder name). */
  name: string;
  /** The benchmark task it stands in for, and how. */
  mimics: string;
  classes: string[];
}

export interface ProceduralTask extends TaskInfo {
  kind: 'procedural';
  /** Draws one image of class `label` onto a fresh canvas. */
  draw(canvas: Canvas, rng: Rng, label: number): void;
}

export interface RealTask extends TaskInfo {
  kind: 'real';
  /** Where the data comes from and its licence (for docs/zoo.md). */
  source: string;
  /** A seeded, class-balanced sample of n images of one split of the real data set. */
  sample(split: 'train' | 'test', n: number, rng: Rng): Promise<ImageSet>;
}

export type ZooTask = ProceduralTask | RealTask;
