/** Fuzz target: MNIST-style IDX image files (plain and gzipped), read as a task with fixed valid labels. */
import { encodeIdxU8, idxImages } from '../../../src/engine/data/idx';
import { memorySource } from '../../../src/engine/io/byte-source';
import type { FuzzTarget } from '../types';
import { fixtureBytes } from './seeds';

const N = 4;
const labels = encodeIdxU8([N], Uint8Array.from([0, 1, 0, 1]));

export const idxTarget: FuzzTarget = {
  name: 'idx',
  seeds: async () => [
    encodeIdxU8([N, 8, 8], Uint8Array.from({ length: N * 64 }, (_, i) => (i * 37) & 255)),
    await fixtureBytes('suite-tiny', 'data', 'scans', 't10k-images-idx3-ubyte.gz'),
  ],
  async run(bytes) {
    const images = await idxImages('scans', memorySource(bytes, 't10k-images-idx3-ubyte'), memorySource(labels, 't10k-labels-idx1-ubyte'), 2);
    await images.pixels(0, Math.min(2, images.count), 16);
  },
};
