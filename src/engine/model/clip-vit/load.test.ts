// loadParams: float32 tensors equal to the stored values (F32 and widened F16), subsets, unknown
// names, and no tensor leaks — neither after disposeParams nor when a read fails half way.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../../errors';
import type { ByteSource } from '../../io/byte-source';
import { nodeFileSource } from '../../io/node-source.node';
import { disposeParams } from '../../params/param-map';
import { fixturePath, loadFixtureTensors } from '../../testing/fixtures.node';
import { loadParams } from './load';
import { openCheckpoint } from './open-checkpoint';

const open = async (name: string, wrap = (s: ByteSource) => s) =>
  openCheckpoint(name, [await nodeFileSource(fixturePath(name, 'config.json')), wrap(await nodeFileSource(fixturePath(name, 'model.safetensors')))]);

describe('loadParams', () => {
  it.each(['tiny-a', 'tiny-b'])('%s: every canonical parameter as a float32 tensor with the stored values; no leak', async (name) => {
    const ck = await open(name);
    const stored = await loadFixtureTensors(name, 'model.safetensors');
    const before = tf.memory().numTensors;
    const params = await loadParams(ck);
    expect(params.size).toBe(ck.params.length);
    for (const p of ck.params) {
      const t = params.get(p.name)!;
      expect(t.dtype).toBe('float32');
      expect(t.shape).toEqual(p.shape);
      const want = stored.get(p.name)!.values;
      const got = t.dataSync();
      expect(got.every((v, i) => Object.is(v, want[i])), p.name).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before + ck.params.length);
    disposeParams(params);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads only the names asked for, and rejects unknown names before creating any tensor', async () => {
    const ck = await open('tiny-a');
    const before = tf.memory().numTensors;
    const some = await loadParams(ck, { names: ['visual_projection.weight', 'vision_model.pre_layrnorm.bias'] });
    expect([...some.keys()]).toEqual(['visual_projection.weight', 'vision_model.pre_layrnorm.bias']);
    disposeParams(some);
    const e = await loadParams(ck, { names: ['vision_model.pre_layrnorm.bias', 'visual.proj', 'nope'] }).catch((x) => x);
    expect(e).toBeInstanceOf(CheckpointError);
    expect(e.message).toMatch(/has no parameters "visual\.proj", "nope"/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('disposes what it loaded when a read fails half way', async () => {
    let reads = 0;
    // The header reads succeed; the 10th tensor read fails like a file removed while loading.
    const flaky = (s: ByteSource): ByteSource => ({ ...s, name: s.name, size: s.size, read: (o, l) => (o > 1000 && ++reads === 10 ? Promise.reject(new Error('EIO')) : s.read(o, l)) });
    const ck = await open('tiny-a', flaky);
    const before = tf.memory().numTensors;
    await expect(loadParams(ck)).rejects.toThrow('EIO');
    expect(tf.memory().numTensors).toBe(before);
  });
});
