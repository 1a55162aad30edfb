/**
 * Example images of a task for the suite view: the first few test images of each class, taken
 * through the task's own TaskImages (any data form) at the model's input size and mapped back from
 * CLIP-normalised floats to 8-bit RGB, then encoded as PNG data URLs (plain strings that cross
 * postMessage and go straight into an <img>). DOM-free: PNG encoding is fast-png's.
 */
import { encode as encodePng } from 'fast-png';
import { CLIP_MEAN, CLIP_STD } from '../model/clip-vit/preprocess';
import type { TaskImages } from './task-images';

export interface ClassExample {
  label: number;
  /** Index of the image in the split. */
  index: number;
  /** PNG data URL of the preprocessed image (size × size). */
  url: string;
}

/** Indices of the first `perClass` images of each of the first `maxClasses` classes, class by class. */
export function exampleIndices(labels: Int32Array, numClasses: number, perClass: number, maxClasses = numClasses): number[] {
  const C = Math.min(numClasses, maxClasses);
  const picked: number[][] = Array.from({ length: C }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y < C && picked[y].length < perClass) picked[y].push(i);
  }
  return picked.flat();
}

/** [3, S, S] CLIP-normalised floats → [S, S, 3] u8 RGB (the inverse of the normalisation, clamped). */
export function denormalize(chw: Float32Array, size: number): Uint8Array {
  const plane = size * size;
  const out = new Uint8Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < plane; p++) {
      const v = (chw[c * plane + p] * CLIP_STD[c] + CLIP_MEAN[c]) * 255;
      out[p * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return out;
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function pngDataUrl(rgb: Uint8Array, width: number, height: number): string {
  return `data:image/png;base64,${base64(encodePng({ width, height, channels: 3, depth: 8, data: rgb }))}`;
}

/** The first `perClass` test images of each class (up to `maxClasses`) as PNG data URLs. */
export async function classExamples(images: TaskImages, numClasses: number, size: number, perClass = 2, maxClasses = 12): Promise<ClassExample[]> {
  const out: ClassExample[] = [];
  for (const index of exampleIndices(images.labels, numClasses, perClass, maxClasses)) {
    const px = await images.pixels(index, 1, size); // [1, 3, S, S]
    out.push({ label: images.labels[index], index, url: pngDataUrl(denormalize(px, size), size, size) });
  }
  return out;
}
