import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { engineMemory } from './memory';

describe('engineMemory', () => {
  it('counts the tensors and bytes tfjs holds, and drops them when disposed', () => {
    const before = engineMemory();
    expect(before.backend).toBe(tf.getBackend());
    const t = tf.zeros([10, 25]);
    const during = engineMemory();
    expect(during.numTensors).toBe(before.numTensors + 1);
    expect(during.numBytes).toBe(before.numBytes + 4 * 250);
    t.dispose();
    expect(engineMemory()).toEqual(before);
    expect(before.gpuBytes).toBeNull(); // the CPU/WASM backends have no GPU bytes to report
  });
});
