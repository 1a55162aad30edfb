import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { memorySource } from '../io/byte-source';
import { memorySink, writeSafetensors, type WriteDtype } from '../io/safetensors';
import { normalizeU8NHWC, preprocessImage } from '../model/clip-vit/preprocess';
import { loadFixtureTensors } from '../testing/fixtures.node';
import { DataError } from './errors';
import { encodeIdxU8, idxImages } from './idx';
import { safetensorsImages } from './tensor-images';
import { randomImages } from './tiny-suite.node';

type T = { dtype: WriteDtype; shape: number[]; values: Float32Array | Int32Array | Uint8Array };
async function split(tensors: Record<string, T>, name = 'data/t/test.safetensors') {
  const sink = memorySink();
  await writeSafetensors(sink, Object.entries(tensors).map(([n, t]) => ({ name: n, dtype: t.dtype, shape: t.shape })), (s) => tensors[s.name].values);
  return memorySource(sink.bytes(), name);
}

describe('task images from safetensors', () => {
  it('reproduces the fixture pixel_values from images_uint8 (batch slices read from the file)', async () => {
    const inputs = await loadFixtureTensors('tiny-a', 'inputs.safetensors');
    const u8 = inputs.get('images_uint8')!;
    const src = await split({ images: { dtype: 'U8', shape: u8.shape, values: u8.values }, labels: { dtype: 'I32', shape: [4], values: Int32Array.of(0, 1, 2, 1) } });
    const t = await safetensorsImages('t', src, 3);
    expect(t.count).toBe(4);
    expect([...t.labels]).toEqual([0, 1, 2, 1]);
    const want = inputs.get('pixel_values')!.values as Float32Array; // [4, 3, 32, 32]
    const px = await t.pixels(1, 2, 32);
    const per = 3 * 32 * 32;
    px.forEach((v, i) => expect(Math.abs(v - want[per + i])).toBeLessThan(1e-5));
  });

  it('resizes images of another size with preprocessImage', async () => {
    const img = randomImages(2, 20, 24, 3, 3);
    const src = await split({ images: { dtype: 'U8', shape: [2, 20, 24, 3], values: img }, labels: { dtype: 'I64', shape: [2], values: Int32Array.of(1, 0) } });
    const t = await safetensorsImages('t', src, 2);
    const px = await t.pixels(0, 2, 16);
    expect(px.subarray(3 * 256)).toEqual(preprocessImage({ width: 24, height: 20, channels: 3, data: img.subarray(20 * 24 * 3) }, 16));
  });

  it('rejects wrong dtypes, shapes and out-of-range labels, naming the file', async () => {
    const img = { dtype: 'U8' as const, shape: [2, 4, 4, 3], values: new Uint8Array(96) };
    const lab = { dtype: 'I32' as const, shape: [2], values: Int32Array.of(0, 1) };
    const cases: [Record<string, T>, RegExp][] = [
      [{ images: { ...img, dtype: 'F32', values: new Float32Array(96) }, labels: lab }, /"images" is F32; images must be U8/],
      [{ images: img, labels: { ...lab, dtype: 'F32', values: Float32Array.of(0, 1) } }, /"labels" is F32; labels must be integers/],
      [{ images: img }, /needs tensors "images" and "labels"; it has "images"/],
      [{ images: { ...img, shape: [2, 4, 12], values: new Uint8Array(96) }, labels: lab }, /"images" has shape \[2,4,12\]; it must be \[N, H, W, 3\]/],
      [{ images: img, labels: { ...lab, shape: [1], values: Int32Array.of(0) } }, /"labels" has shape \[1\] for 2 images/],
      [{ images: img, labels: { ...lab, values: Int32Array.of(0, 5) } }, /label 5 at index 1 is outside the task's 2 classes/],
    ];
    for (const [tensors, re] of cases) {
      const err = await safetensorsImages('t', await split(tensors, 'bad.safetensors'), 2).catch((e) => e);
      expect(err).toBeInstanceOf(DataError);
      expect(err.message).toMatch(/^bad\.safetensors: /);
      expect(err.message).toMatch(re);
    }
  });
});

describe('task images from IDX files', () => {
  it('reads gzipped MNIST-style grey images and labels, resized and with grey repeated', async () => {
    const grey = randomImages(3, 28, 28, 1, 5);
    const images = memorySource(new Uint8Array(gzipSync(encodeIdxU8([3, 28, 28], grey))), 't10k-images-idx3-ubyte.gz');
    const labels = memorySource(encodeIdxU8([3], Uint8Array.of(9, 0, 4)), 't10k-labels-idx1-ubyte');
    const t = await idxImages('digits', images, labels, 10);
    expect([...t.labels]).toEqual([9, 0, 4]);
    const px = await t.pixels(2, 1, 32);
    expect(px).toEqual(preprocessImage({ width: 28, height: 28, channels: 1, data: grey.subarray(2 * 784) }, 32));
    // At the model's size, RGB IDX data is a plain normalisation.
    const rgb = randomImages(2, 8, 8, 3, 1);
    const t3 = await idxImages('c', memorySource(encodeIdxU8([2, 8, 8, 3], rgb), 'i'), memorySource(encodeIdxU8([2], Uint8Array.of(0, 1)), 'l'), 2);
    expect(await t3.pixels(0, 2, 8)).toEqual(normalizeU8NHWC(rgb, 2, 8, 8));
  });

  it('rejects mismatched counts and labels outside the classes', async () => {
    const images = memorySource(encodeIdxU8([3, 2, 2], new Uint8Array(12)), 'imgs');
    await expect(idxImages('d', images, memorySource(encodeIdxU8([2], Uint8Array.of(0, 1)), 'labs'), 10)).rejects.toThrow(/imgs \+ labs: has 3 images but 2 labels/);
    await expect(idxImages('d', images, memorySource(encodeIdxU8([3], Uint8Array.of(0, 1, 10)), 'labs'), 10)).rejects.toThrow(/label 10 at index 2 is outside the task's 10 classes/);
    await expect(idxImages('d', memorySource(encodeIdxU8([3], Uint8Array.of(0, 1, 2)), 'flat'), images, 10)).rejects.toThrow(/flat: holds u8 \[3\]; images must be u8 \[N, H, W\]/);
  });
});
