/**
 * Parquet splits on files the tests write (testing/parquet-write.node.ts): two shards of several
 * row groups, snappy, zstd and gzip pages, PNG and JPEG images, with and without the `huggingface`
 * metadata; laziness (bytes read); and every bad file — no image or label column, an unknown
 * codec, a corrupt page, an undecodable image, a missing label — as a DataError naming the file
 * and the row.
 */
import { gzipSync } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { memorySource, type ByteSource } from '../../io/byte-source';
import { preprocessImage } from '../../model/clip-vit/preprocess';
import { type Codec, type ParquetRow, snappyLiterals, writeParquet, zstdRaw } from '../../testing/parquet-write.node';
import { DataError } from '../errors';
import { nodeImageDecoder } from '../png-decoder.node';
import { parquetSplitFiles } from './files';
import { parquetImages } from './images';
import { openParquetSplit } from './split';

const CLASSES = ['airplane', 'bird', 'cat'];
const HF = { info: { features: { image: { _type: 'Image' }, label: { names: CLASSES, _type: 'ClassLabel' } } } };
const COMPRESS: Record<string, (b: Uint8Array) => Uint8Array> = {
  SNAPPY: snappyLiterals,
  ZSTD: zstdRaw,
  GZIP: (b) => new Uint8Array(gzipSync(b)),
};

/** A seeded w×h RGB image as PNG (even i) or JPEG (odd i). */
function image(i: number, w = 20 + i, h = 13 + 2 * i): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  for (let k = 0; k < rgb.length; k++) rgb[k] = (k * 7 + i * 31) & 0xff;
  if (i % 2 === 0) return encodePng({ width: w, height: h, data: rgb, channels: 3, depth: 8 });
  const rgba = new Uint8Array(w * h * 4);
  for (let p = 0; p < w * h; p++) { rgba.set(rgb.subarray(3 * p, 3 * p + 3), 4 * p); rgba[4 * p + 3] = 255; }
  return new Uint8Array(jpeg.encode({ width: w, height: h, data: rgba }, 90).data);
}

const rowsOf = (from: number, n: number): ParquetRow[] => Array.from({ length: n }, (_, k) => ({ image: { bytes: image(from + k), path: `${from + k}.png` }, label: (from + k) % 3 }));

function file(name: string, rowGroups: ParquetRow[][], codec: Codec, extra: Partial<Parameters<typeof writeParquet>[0]> = {}): ByteSource {
  return memorySource(writeParquet({ rowGroups, codec, compress: COMPRESS[codec], huggingface: HF, ...extra }), name);
}

/** The two shards of a 10-row split: snappy (row groups of 3, 2) and zstd (row groups of 4, 1). */
function shards(): ByteSource[] {
  return [
    file('data/test-00000-of-00002.parquet', [rowsOf(0, 3), rowsOf(3, 2)], 'SNAPPY'),
    file('data/test-00001-of-00002.parquet', [rowsOf(5, 4), rowsOf(9, 1)], 'ZSTD'),
  ];
}

/** Counts the bytes read through a source. */
function counting(src: ByteSource): ByteSource & { bytesRead: number } {
  const c = { name: src.name, size: src.size, bytesRead: 0, read: async (o: number, n: number) => { c.bytesRead += n; return src.read(o, n); } };
  return c;
}

describe('openParquetSplit', () => {
  it('reads two shards of several row groups (snappy and zstd) in order, with the ClassLabel names', async () => {
    const split = await openParquetSplit('data/cifar', shards());
    expect(split.count).toBe(10);
    expect(split.classNames).toEqual(CLASSES);
    expect([split.imageColumn, split.labelColumn]).toEqual(['image', 'label']);
    expect(split.notes).toEqual([]);
    expect([...(await split.labels())]).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
    // Across row group and shard boundaries, each row's bytes exactly as written.
    const got = await split.imageBytes(2, 8);
    expect(got.map((r) => [r.file, r.row])).toEqual([
      ['data/test-00000-of-00002.parquet', 2], ['data/test-00000-of-00002.parquet', 3], ['data/test-00000-of-00002.parquet', 4],
      ['data/test-00001-of-00002.parquet', 0], ['data/test-00001-of-00002.parquet', 1], ['data/test-00001-of-00002.parquet', 2],
      ['data/test-00001-of-00002.parquet', 3], ['data/test-00001-of-00002.parquet', 4],
    ]);
    got.forEach((r, k) => expect(r.bytes).toEqual(image(2 + k)));
    await expect(split.imageBytes(8, 3)).rejects.toThrow(RangeError);
  });

  it('reads gzip and uncompressed pages, INT32 labels and a CIFAR-style "img" column', async () => {
    for (const codec of ['GZIP', 'UNCOMPRESSED'] as const) {
      const hf = { info: { features: { img: { _type: 'Image' }, fine_label: { names: CLASSES, _type: 'ClassLabel' } } } };
      const split = await openParquetSplit('x', [file('x.parquet', [rowsOf(0, 2), rowsOf(2, 2)], codec, { imageColumn: 'img', labelColumn: 'fine_label', labelType: 'INT32', huggingface: hf })]);
      expect([split.imageColumn, split.labelColumn, split.classNames]).toEqual(['img', 'fine_label', CLASSES]);
      expect([...(await split.labels())]).toEqual([0, 1, 2, 0]);
      expect((await split.imageBytes(1, 2)).map((r) => r.bytes)).toEqual([image(1), image(2)]);
    }
  });

  it('without the huggingface metadata: no class names, and a note saying the manifest must list them', async () => {
    const split = await openParquetSplit('data/t', [file('t.parquet', [rowsOf(0, 3)], 'SNAPPY', { huggingface: undefined })]);
    expect(split.classNames).toBeNull();
    expect(split.notes[0]).toMatch(/carry no class names.*manifest\.json/);
    expect([...(await split.labels())]).toEqual([0, 1, 2]);
  });

  it('is lazy: opening reads the footers only, a batch reads its row group\'s image column only', async () => {
    const big = (from: number) => Array.from({ length: 8 }, (_, k) => ({ image: { bytes: image(from + k, 160, 120), path: null }, label: 0 }));
    const src = counting(file('big.parquet', [big(0), big(8), big(16), big(24)], 'ZSTD'));
    expect(src.size).toBeGreaterThan(4 * 2 ** 16);
    const split = await openParquetSplit('big', [src]);
    expect(src.bytesRead).toBeLessThanOrEqual(2 ** 16); // the last 64 KiB: the footer and a little more
    await split.labels();
    const afterLabels = src.bytesRead;
    expect(afterLabels).toBeLessThan(src.size / 4);
    await split.imageBytes(9, 2); // row group 1 only
    const oneGroup = src.bytesRead - afterLabels;
    expect(oneGroup).toBeLessThan(src.size / 3);
    expect(oneGroup).toBeGreaterThan(src.size / 6);
    await split.imageBytes(12, 3); // same row group: kept, not read again
    expect(src.bytesRead - afterLabels).toBe(oneGroup);
  });
});

describe('parquetImages', () => {
  it('decodes PNG and JPEG rows and CLIP-preprocesses them like any image', async () => {
    const images = await parquetImages('cifar', await openParquetSplit('data/cifar', shards()), 3, nodeImageDecoder);
    expect(images.count).toBe(10);
    expect([...images.labels]).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
    const px = await images.pixels(3, 3, 16);
    expect(px.length).toBe(3 * 3 * 16 * 16);
    for (let k = 0; k < 3; k++) {
      const want = preprocessImage(await nodeImageDecoder.decode(image(3 + k), ''), 16);
      expect(px.subarray(k * want.length, (k + 1) * want.length)).toEqual(want);
    }
  });

  it('checks labels against the task\'s classes', async () => {
    await expect(parquetImages('t', await openParquetSplit('d', shards()), 2, nodeImageDecoder)).rejects.toThrow(/label 2 at index 2 is outside the task's 2 classes/);
  });

  it('an undecodable image is a DataError naming the file and the row', async () => {
    const rows = rowsOf(0, 3);
    rows[1] = { image: { bytes: new Uint8Array([1, 2, 3, 4]), path: 'bad.png' }, label: 1 };
    const images = await parquetImages('t', await openParquetSplit('d', [file('bad.parquet', [rows], 'SNAPPY')]), 3, nodeImageDecoder);
    await expect(images.pixels(0, 1, 8)).resolves.toHaveLength(3 * 64);
    const p = images.pixels(0, 3, 8);
    await expect(p).rejects.toBeInstanceOf(DataError);
    await expect(p).rejects.toThrow(/^bad\.parquet: row 1: the image could not be decoded \(not a PNG or JPEG/);
  });
});

describe('bad files', () => {
  const expectData = async (p: Promise<unknown>, re: RegExp) => {
    await expect(p).rejects.toBeInstanceOf(DataError);
    await expect(p).rejects.toThrow(re);
  };

  it('no image column, no label column: the error lists the columns', async () => {
    await expectData(openParquetSplit('d', [file('a.parquet', [rowsOf(0, 2)], 'SNAPPY', { imageColumn: null, huggingface: undefined })]), /^a\.parquet: has no image column .*its columns are "label"/);
    await expectData(openParquetSplit('d', [file('b.parquet', [rowsOf(0, 2)], 'SNAPPY', { labelColumn: null, huggingface: undefined })]), /^b\.parquet: has no integer label column; its columns are "image"/);
    // The second shard is checked too.
    await expectData(openParquetSplit('d', [shards()[0], file('c.parquet', [rowsOf(0, 2)], 'SNAPPY', { labelColumn: 'y' })]), /^c\.parquet: has no integer label column "label"/);
  });

  it('an unknown codec names the codec, the file and the rows, and says what to do', async () => {
    const split = await openParquetSplit('d', [file('lzo.parquet', [rowsOf(0, 2), rowsOf(2, 2)], 'LZO')]);
    await expectData(split.imageBytes(2, 1), /^lzo\.parquet: rows 2–3 \(row group 1\): its pages use the LZO compression codec/);
    await expect(split.labels()).rejects.toMatchObject({ hint: expect.stringContaining('zstd') });
  });

  it('a corrupt page names the file and the row group', async () => {
    let page = 0;
    // Pages are written column by column per row group: row group 1's image bytes page is the 4th.
    const corrupt = (b: Uint8Array) => { const z = zstdRaw(b); if (++page === 4) z[0] ^= 0xff; return z; };
    const split = await openParquetSplit('d', [memorySource(writeParquet({ rowGroups: [rowsOf(0, 2), rowsOf(2, 2)], codec: 'ZSTD', compress: corrupt, huggingface: HF }), 'corrupt.parquet')]);
    expect((await split.imageBytes(0, 2)).length).toBe(2);
    const p = split.imageBytes(2, 2);
    await expectData(p, /^corrupt\.parquet: rows 2–3 \(row group 1\) could not be read/);
    await expect(p).rejects.toMatchObject({ hint: expect.stringContaining('download it again') });
  });

  it('a file that is not parquet, a row without image bytes, a missing label', async () => {
    await expectData(openParquetSplit('d', [memorySource(new TextEncoder().encode('not parquet at all'), 'x.parquet')]), /^x\.parquet: is not a readable Parquet file/);
    const noBytes = await openParquetSplit('d', [file('p.parquet', [[...rowsOf(0, 1), { image: { bytes: null, path: '/home/me/cat.png' }, label: 0 }]], 'SNAPPY')]);
    await expectData(noBytes.imageBytes(0, 2), /^p\.parquet: row 1: the image has no bytes \(only the path "\/home\/me\/cat\.png"\)/);
    const noLabel = await openParquetSplit('d', [file('l.parquet', [[...rowsOf(0, 2), { image: { bytes: image(0), path: null }, label: null }]], 'GZIP')]);
    await expectData(noLabel.labels(), /^l\.parquet: row 2: label is missing/);
  });

  it('shards naming different classes are refused', async () => {
    const other = file('s2.parquet', [rowsOf(0, 1)], 'SNAPPY', { huggingface: { info: { features: { label: { names: ['x', 'y', 'z'], _type: 'ClassLabel' } } } } });
    await expectData(openParquetSplit('d', [shards()[0], other]), /^s2\.parquet: names other classes/);
  });
});

describe('parquetSplitFiles', () => {
  it('takes a split\'s shards in name order, or unnamed files as the test split', () => {
    const paths = ['data/test-00001-of-00002.parquet', 'data/train-00000-of-00001.parquet', 'data/test-00000-of-00002.parquet', 'README.md'];
    expect(parquetSplitFiles(paths, 'test')).toEqual(['data/test-00000-of-00002.parquet', 'data/test-00001-of-00002.parquet']);
    expect(parquetSplitFiles(paths, 'train')).toEqual(['data/train-00000-of-00001.parquet']);
    expect(parquetSplitFiles(['test.parquet'], 'test')).toEqual(['test.parquet']);
    expect(parquetSplitFiles(['sun397.parquet'], 'test')).toEqual(['sun397.parquet']);
    expect(parquetSplitFiles(['sun397.parquet'], 'train')).toEqual([]);
    expect(parquetSplitFiles(['train.parquet', 'other.parquet'], 'test')).toEqual([]);
  });
});
