import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { memorySource } from '../io/byte-source';
import { preprocessImage } from '../model/clip-vit/preprocess';
import { DataError } from './errors';
import { type FolderFile, imageFolderImages } from './imagefolder';
import { nodeImageDecoder } from './png-decoder.node';
import { randomImages } from './tiny-suite.node';

const png = (px: Uint8Array, w: number, h: number, channels = 3) => encodePng({ width: w, height: h, channels, depth: 8, data: px });
const file = (path: string, bytes: Uint8Array): FolderFile => ({ path, source: memorySource(bytes, path) });

describe('ImageFolder', () => {
  // Five 12×10 RGB images: two of "cat", three of "dog".
  const raw = randomImages(5, 10, 12, 3, 7);
  const img = (i: number) => raw.subarray(i * 360, (i + 1) * 360);
  const files = [
    file('dog/b.png', png(img(3), 12, 10)),
    file('cat/x.png', png(img(0), 12, 10)),
    file('dog/a.png', png(img(2), 12, 10)),
    file('cat/y.png', png(img(1), 12, 10)),
    file('dog/deep/c.png', png(img(4), 12, 10)),
    file('README.txt', new TextEncoder().encode('hello')),
    file('loose.png', png(img(0), 12, 10)),
  ];

  it('labels by folder, interleaves classes, and preprocesses the decoded PNGs exactly', async () => {
    const t = imageFolderImages('pets', 'data/pets/test', files, ['cat', 'dog', 'bird'], nodeImageDecoder);
    expect(t.count).toBe(5);
    // cat/x, dog/a, cat/y, dog/b, dog/deep/c (sorted within a class, classes round-robin).
    expect([...t.labels]).toEqual([0, 1, 0, 1, 1]);
    expect(t.notes.join('\n')).toMatch(/ignored 1 image\(s\) outside any class folder: loose\.png/);
    expect(t.notes.join('\n')).toMatch(/ignored 1 file\(s\) that are not PNG\/JPEG: README\.txt/);
    expect(t.notes.join('\n')).toMatch(/no images for 1 class\(es\): bird/);
    const px = await t.pixels(1, 3, 8); // dog/a, cat/y, dog/b
    const per = 3 * 8 * 8;
    [2, 1, 3].forEach((src, i) => {
      const want = preprocessImage({ width: 12, height: 10, channels: 3, data: img(src) }, 8);
      expect(px.subarray(i * per, (i + 1) * per)).toEqual(want);
    });
  });

  it('decodes grey, RGBA and JPEG files', async () => {
    const grey = Uint8Array.from({ length: 6 * 4 }, (_, i) => i * 10);
    const g = await nodeImageDecoder.decode(png(grey, 6, 4, 1), 'g.png');
    expect([g.width, g.height, g.channels]).toEqual([6, 4, 1]);
    expect([...g.data]).toEqual([...grey]);
    const rgba = await nodeImageDecoder.decode(png(Uint8Array.from({ length: 2 * 2 * 4 }, (_, i) => i), 2, 2, 4), 'a.png');
    expect(rgba.channels).toBe(4);
    const flat = new Uint8Array(16 * 16 * 4).fill(200);
    const j = await nodeImageDecoder.decode(jpeg.encode({ width: 16, height: 16, data: flat }, 95).data, 'j.jpg');
    expect([j.width, j.height, j.channels]).toEqual([16, 16, 3]);
    for (const v of j.data) expect(Math.abs(v - 200)).toBeLessThanOrEqual(2);
  });

  it('rejects unknown class folders and folders without images', () => {
    expect(() => imageFolderImages('pets', 'data/pets/test', files, ['cat'], nodeImageDecoder))
      .toThrow(/data\/pets\/test: has class folders "dog" that are not classes of task "pets" \("cat"\)/);
    const err = (() => { try { imageFolderImages('pets', 'data/pets/test', [files[5]], ['cat'], nodeImageDecoder); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).message).toMatch(/data\/pets\/test: contains no images in class folders \(1 other file\(s\)\)/);
    expect(() => imageFolderImages('pets', 'data/pets/test', [], ['cat'], nodeImageDecoder)).toThrow(/the folder is empty/);
  });

  it('names an undecodable image when its batch is read', async () => {
    const broken = [files[1], file('cat/broken.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]))];
    const t = imageFolderImages('pets', 'data/pets/test', broken, ['cat'], nodeImageDecoder);
    const err = await t.pixels(0, 2, 8).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(/^data\/pets\/test\/cat\/broken\.png: cannot be decoded as an image/);
    expect(err.hint).toMatch(/valid PNG or JPEG/);
  });
});
