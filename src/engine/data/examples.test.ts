/** Example images: which indices are picked, and that the pixels survive preprocessing and back. */
import { decode as decodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { normalizeU8NHWC } from '../model/clip-vit/preprocess';
import { classExamples, denormalize, exampleIndices } from './examples';
import { arrayImages } from './task-images';
import { randomImages } from './tiny-suite.node';

describe('class examples', () => {
  it('takes the first images of each class, class by class, up to a class limit', () => {
    const labels = Int32Array.from([2, 0, 0, 1, 2, 0, 1, 3]);
    expect(exampleIndices(labels, 4, 2)).toEqual([1, 2, 3, 6, 0, 4, 7]);
    expect(exampleIndices(labels, 4, 1, 2)).toEqual([1, 3]);
    expect(exampleIndices(Int32Array.from([1, 1]), 3, 2)).toEqual([0, 1]); // classes without images are skipped
  });

  it('denormalize inverts the CLIP normalisation exactly on u8 pixels', () => {
    const u8 = randomImages(1, 8, 8, 3, 3);
    expect(Array.from(denormalize(normalizeU8NHWC(u8, 1, 8, 8), 8))).toEqual(Array.from(u8));
  });

  it('encodes the chosen images as PNG data URLs that decode to the original pixels', async () => {
    const u8 = randomImages(5, 16, 16, 3, 9);
    const images = arrayImages('t', 'mem', u8, [5, 16, 16, 3], Int32Array.from([1, 0, 1, 0, 1]), 2);
    const ex = await classExamples(images, 2, 16, 1);
    expect(ex.map((e) => [e.label, e.index])).toEqual([[0, 1], [1, 0]]);
    const png = decodePng(Uint8Array.from(atob(ex[0].url.slice('data:image/png;base64,'.length)), (c) => c.charCodeAt(0)));
    expect([png.width, png.height, png.channels]).toEqual([16, 16, 3]);
    expect(Array.from(png.data)).toEqual(Array.from(u8.subarray(16 * 16 * 3, 2 * 16 * 16 * 3)));
  });
});
