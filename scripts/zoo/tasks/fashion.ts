/**
 * "fashion" (Stanford-Cars-like: fine-grained product photos): real Fashion-MNIST images
 * (Zalando, MIT licence), read from Debian's `dataset-fashion-mnist` IDX files. 28×28 grey images
 * are padded to 32×32 and repeated to RGB. Only `npm run zoo` reads them; the shipped suite holds
 * the sampled images, so the lab and the tests never need the package.
 */
import { readFile } from 'node:fs/promises';
import { MergelabError } from '../../../src/engine/errors';
import { parseIdx } from '../../../src/engine/data/idx';
import type { Rng } from '../../../src/engine/random';
import { blockShuffle } from '../dataset';
import { type ImageSet, IMAGE_SIZE, type RealTask } from './task';

export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

async function readIdx(file: string) {
  let raw: Uint8Array;
  try {
    raw = await readFile(file);
  } catch {
    throw new MergelabError('data', `${file} is missing: the zoo's "fashion" task needs Fashion-MNIST.`,
      'Install it with `apt-get install dataset-fashion-mnist` (Debian), or pass --fashion-dir <folder with the four *-idx?-ubyte.gz files>.');
  }
  return parseIdx(raw, file);
}

/** Picks n indices, class-balanced (round-robin over classes, shuffled within rounds), seeded. */
export function balancedSample(labels: ArrayLike<number>, numClasses: number, n: number, rng: Rng): number[] {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  for (const list of byClass) rng.shuffle(list);
  const out: number[] = [];
  for (let k = 0; out.length < n; k++) {
    const list = byClass[k % numClasses];
    const i = Math.floor(k / numClasses);
    if (i >= list.length) throw new RangeError(`class ${k % numClasses} has only ${list.length} examples; cannot sample ${n}`);
    out.push(list[i]);
  }
  return blockShuffle(out, numClasses, rng);
}

export function fashionTask(dir = FASHION_DIR): RealTask {
  return {
    kind: 'real',
    name: 'fashion',
    mimics: 'Stanford Cars (fine-grained objects)',
    source: 'Fashion-MNIST (Zalando Research, MIT licence), from the Debian package dataset-fashion-mnist',
    classes: ['t-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle_boot'],
    async sample(split, n, rng): Promise<ImageSet> {
      const prefix = split === 'train' ? 'train' : 't10k';
      const im = await readIdx(`${dir}/${prefix}-images-idx3-ubyte.gz`);
      const lb = await readIdx(`${dir}/${prefix}-labels-idx1-ubyte.gz`);
      const [N, h, w] = im.shape;
      const pad = (IMAGE_SIZE - h) / 2;
      const pick = balancedSample(lb.data, 10, n, rng);
      const S = IMAGE_SIZE;
      const images = new Uint8Array(n * S * S * 3);
      pick.forEach((src, j) => {
        if (src >= N) throw new RangeError(`index ${src} out of ${N}`);
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
          const v = im.data[src * h * w + y * w + x];
          images.fill(v, (j * S * S + (y + pad) * S + x + pad) * 3, (j * S * S + (y + pad) * S + x + pad) * 3 + 3);
        }
      });
      return { images, labels: Int32Array.from(pick, (i) => lb.data[i]) };
    },
  };
}
