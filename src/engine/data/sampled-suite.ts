/**
 * A suite seen through a seeded class-stratified sample of each task's test split (sample.ts):
 * every consumer that reads "the first N images" of a task — training on unlabelled test images,
 * its scoring, the feature caches — then reads the sampled rows, in file order, without a change.
 * The view's source names the sample, so cached features never mix it up with the full split.
 */
import { stratifiedSample } from './sample';
import type { Suite } from './suite';
import { type TaskImages, pixelsAt } from './task-images';

/** Images at ascending `indices` of `images` as a TaskImages of their own. */
export function sampledImages(images: TaskImages, indices: Int32Array, label: string): TaskImages {
  const count = indices.length;
  return {
    task: images.task,
    source: `${images.source} (${label})`,
    count,
    labels: Int32Array.from(indices, (i) => images.labels[i]),
    notes: images.notes,
    pixels(start, n, size, pre) {
      if (!(Number.isInteger(start) && Number.isInteger(n) && start >= 0 && n >= 0 && start + n <= count)) {
        throw new RangeError(`${images.source} (${label}): images [${start}, ${start + n}) requested, it has ${count}`);
      }
      return pixelsAt(images, indices.subarray(start, start + n), size, pre);
    },
  };
}

/** The suite with each task's test split replaced by a stratified sample of `size` images (a split no larger is kept whole). */
export function sampledSuite(suite: Suite, sample: { size: number; seed: number }): Suite & { sampled(task: string): Promise<{ images: number; total: number }> } {
  const views = new Map<string, Promise<TaskImages>>();
  const view = (task: string) => {
    if (!views.has(task)) {
      const p = suite.images(task, 'test').then((im) => (sample.size >= im.count ? im : sampledImages(im, stratifiedSample(im.labels, sample.size, sample.seed), `sample of ${sample.size}, seed ${sample.seed}`)));
      p.catch(() => views.delete(task));
      views.set(task, p);
    }
    return views.get(task)!;
  };
  return {
    ...suite,
    hasSplit: (task, split) => suite.hasSplit(task, split),
    images: (task, split = 'test') => (split === 'test' ? view(task) : suite.images(task, split)),
    async sampled(task) {
      const [v, full] = await Promise.all([view(task), suite.images(task, 'test')]);
      return { images: v.count, total: full.count };
    },
  };
}
