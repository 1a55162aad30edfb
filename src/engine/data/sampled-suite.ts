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
export type SampledSuite = Suite & {
  sampled(task: string): Promise<{ images: number; total: number }>;
  /** Row i of the view is row rows[i] of the task's full test split (ascending). */
  rows(task: string): Promise<Int32Array>;
};

/** Whether `suite` is a sampled view (its test splits are samples of the full ones). */
export function isSampledSuite(suite: Suite): suite is SampledSuite {
  return typeof (suite as Partial<SampledSuite>).sampled === 'function';
}

export function sampledSuite(suite: Suite, sample: { size: number; seed: number }): SampledSuite {
  const views = new Map<string, Promise<{ images: TaskImages; rows: Int32Array }>>();
  const chosen = (task: string) => {
    if (!views.has(task)) {
      const p = suite.images(task, 'test').then((im) => {
        if (sample.size >= im.count) return { images: im, rows: Int32Array.from({ length: im.count }, (_, i) => i) };
        const rows = stratifiedSample(im.labels, sample.size, sample.seed);
        return { images: sampledImages(im, rows, `sample of ${sample.size}, seed ${sample.seed}`), rows };
      });
      p.catch(() => views.delete(task));
      views.set(task, p);
    }
    return views.get(task)!;
  };
  const view = async (task: string) => (await chosen(task)).images;
  return {
    ...suite,
    hasSplit: (task, split) => suite.hasSplit(task, split),
    images: (task, split = 'test') => (split === 'test' ? view(task) : suite.images(task, split)),
    async sampled(task) {
      const [v, full] = await Promise.all([view(task), suite.images(task, 'test')]);
      return { images: v.count, total: full.count };
    },
    rows: async (task) => (await chosen(task)).rows,
  };
}
