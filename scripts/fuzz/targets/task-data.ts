/** Fuzz target: a task's test.safetensors (images U8 [N,H,W,C], labels I32 [N]); the first images are preprocessed. */
import { safetensorsImages } from '../../../src/engine/data/tensor-images';
import { memorySource } from '../../../src/engine/io/byte-source';
import type { FuzzTarget } from '../types';
import { fixtureBytes } from './seeds';

export const taskDataTarget: FuzzTarget = {
  name: 'task-data',
  seeds: async () => [await fixtureBytes('suite-tiny', 'data', 'waves', 'test.safetensors')],
  async run(bytes) {
    const images = await safetensorsImages('waves', memorySource(bytes, 'test.safetensors'), 3);
    await images.pixels(0, Math.min(2, images.count), 32);
  },
};
