/**
 * Builds a task's split: N class-balanced images (every prefix balanced too) in the suite layout (images U8 [N, 32, 32, 3],
 * labels [N]). Procedural tasks are drawn from a stream seeded by (seed, task, split), so the same
 * arguments always give the same bytes and train and test never share a stream.
 */
import { type Rng, createRng } from '../../src/engine/random';
import { Canvas } from './raster';
import { IMAGE_SIZE, type ImageSet, type ZooTask } from './tasks/task';

/** 'pretrain': task-domain images for the pretraining pool (domains.ts); real tasks sample them from their train split. */
export type Split = 'train' | 'test' | 'pretrain';

/** A 32-bit FNV-1a hash (stable seeds from names). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Shuffles within consecutive blocks of `block` items, so a round-robin class order stays
 * balanced in every prefix (a split's first N images are as balanced as N allows).
 */
export function blockShuffle<T>(items: T[], block: number, rng: Rng): T[] {
  const out: T[] = [];
  for (let i = 0; i < items.length; i += block) out.push(...rng.shuffle(items.slice(i, i + block)));
  return out;
}

export async function makeSplit(task: ZooTask, split: Split, n: number, seed: number): Promise<ImageSet> {
  const rng = createRng(seed ^ hashString(`${task.name}/${split}`));
  if (task.kind === 'real') return task.sample(split === 'test' ? 'test' : 'train', n, rng);
  const C = task.classes.length;
  const labels = Int32Array.from(blockShuffle(Array.from({ length: n }, (_, i) => i % C), C, rng));
  const px = IMAGE_SIZE * IMAGE_SIZE * 3;
  const images = new Uint8Array(n * px);
  const canvas = new Canvas(IMAGE_SIZE);
  for (let i = 0; i < n; i++) {
    canvas.fill([0, 0, 0]);
    task.draw(canvas, rng, labels[i]);
    images.set(canvas.toU8(), i * px);
  }
  return { images, labels };
}

/** Endless shuffled mini-batches of a set, reshuffled each epoch. The returned arrays are reused. */
export function batchStream(data: ImageSet, batch: number, rng: Rng): () => ImageSet {
  const N = data.labels.length;
  const px = IMAGE_SIZE * IMAGE_SIZE * 3;
  const order = Array.from({ length: N }, (_, i) => i);
  const out: ImageSet = { images: new Uint8Array(batch * px), labels: new Int32Array(batch) };
  let cursor = N;
  return () => {
    for (let b = 0; b < batch; b++) {
      if (cursor >= N) { rng.shuffle(order); cursor = 0; }
      const i = order[cursor++];
      out.images.set(data.images.subarray(i * px, (i + 1) * px), b * px);
      out.labels[b] = data.labels[i];
    }
    return out;
  };
}
