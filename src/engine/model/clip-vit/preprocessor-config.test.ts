// preprocessor_config.json: parsed as CLIPImageProcessor writes it (both the current and the older
// integer forms), every problem named at once; preprocessing with a resize target above the crop
// and other mean/std matches PIL (pixel values from /usr/bin/python3 with Pillow: a 40×48 RGB
// pattern resized with BICUBIC to 36×43, cropped at top 5, left 2); a suite whose pretrained
// folder has the file scores through it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memorySource } from '../../io/byte-source';
import { openSuiteDir } from '../../data/suite-dir.node';
import { type TinyTask, randomHead, randomImages, writeTinySuite } from '../../data/tiny-suite.node';
import { SuiteEvaluator } from '../../eval/evaluate';
import { CLIP_MEAN, CLIP_STD, preprocessImage } from './preprocess';
import { readPreprocessorConfig } from './preprocessor-config';

const json = (v: unknown, name = 'm/preprocessor_config.json') => memorySource(new TextEncoder().encode(JSON.stringify(v)), name);

describe('preprocessor_config.json', () => {
  it('reads the current and the older forms, defaults to CLIP', async () => {
    expect(await readPreprocessorConfig(json({ size: { shortest_edge: 256 }, crop_size: { height: 224, width: 224 }, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5], rescale_factor: 0.00392156862745098 }), 224))
      .toEqual({ shortestEdge: 256, rescale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    expect(await readPreprocessorConfig(json({ size: 224, crop_size: 224 }), 224)).toEqual({ shortestEdge: 224, rescale: 1 / 255, mean: CLIP_MEAN, std: CLIP_STD });
    expect(await readPreprocessorConfig(json({}), 32)).toEqual({ shortestEdge: 32, rescale: 1 / 255, mean: CLIP_MEAN, std: CLIP_STD });
  });

  it('names every problem at once', async () => {
    const e = await readPreprocessorConfig(json({ do_center_crop: false, size: { longest_edge: 3 }, crop_size: 200, image_mean: [1, 2], image_std: [0.5, 0, 0.5] }), 224).catch((x) => x);
    expect(e.message).toMatch(/^m\/preprocessor_config\.json: 5 problems/);
    for (const re of [/"do_center_crop" is false/, /"size" must be a side length/, /"crop_size" is 200 but the model takes 224×224 images/, /"image_mean" must be 3 numbers/, /"image_std" must be 3 positive numbers/]) expect(e.message).toMatch(re);
    await expect(readPreprocessorConfig(json({ size: { shortest_edge: 200 } }), 224)).rejects.toThrow(/resizes the shorter side to 200, less than the 224-pixel crop/);
    await expect(readPreprocessorConfig(memorySource(new TextEncoder().encode('{oops'), 'p.json'), 224)).rejects.toThrow(/p\.json/);
  });

  it('resizes to the shortest edge, crops and normalises like PIL + CLIPImageProcessor', async () => {
    const W = 40;
    const H = 48;
    const data = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set([(x * 7 + y * 3) % 256, (x * x + 2 * y) % 256, (5 * x * y + 11) % 256], (y * W + x) * 3);
    const pre = await readPreprocessorConfig(json({ size: { shortest_edge: 36 }, image_mean: [0.5, 0.4, 0.3], image_std: [0.2, 0.25, 0.3] }), 32);
    const out = preprocessImage({ width: W, height: H, channels: 3, data }, 32, pre); // [3, 32, 32]
    const u8 = (c: number, y: number, x: number) => Math.round((out[(c * 32 + y) * 32 + x] * pre.std[c] + pre.mean[c]) * 255);
    const sums = [0, 1, 2].map((c) => { let s = 0; for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) s += u8(c, y, x); return s; });
    expect(sums).toEqual([132180, 123472, 131310]);
    const px: [number, number, number[]][] = [[0, 0, [33, 16, 75]], [7, 13, [157, 38, 112]], [31, 31, [122, 149, 200]], [16, 2, [103, 67, 156]], [25, 30, [94, 40, 125]]];
    for (const [y, x, rgb] of px) expect([0, 1, 2].map((c) => u8(c, y, x))).toEqual(rgb);
    expect(out[0]).toBeCloseTo((33 / 255 - 0.5) / 0.2, 6);
  });
});

describe('a suite with preprocessor_config.json', () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('preprocesses its images with the file\'s mean and std', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mergelab-preproc-'));
    const tasks: TinyTask[] = [0, 1].map((i) => ({
      name: `t${i}`, classes: ['a', 'b'], expert: `merge/task-${i}`, images: randomImages(3, 32, 32, 3, 400 + i),
      shape: [3, 32, 32, 3], labels: Int32Array.from([0, 1, 0]), form: 'safetensors',
    }));
    await writeTinySuite(dir, tasks, { heads: Object.fromEntries(tasks.map((t, i) => [t.name, randomHead(2, 32, 410 + i)])) });
    const plain = await openSuiteDir(dir);
    expect(plain.preprocessing).toBeNull();
    await writeFile(join(dir, 'models', 'pretrained', 'preprocessor_config.json'), JSON.stringify({ image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5] }));
    const suite = await openSuiteDir(dir);
    expect(suite.preprocessing).toMatchObject({ mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], shortestEdge: 32 });
    expect(suite.notes.join('\n')).toMatch(/preprocessor_config\.json: images resized to 32 on the shorter side, centre-cropped to 32, mean 0\.5\/0\.5\/0\.5/);
    const pixels = await (await suite.images('t0')).pixels(0, 1, 32, suite.preprocessing!);
    const raw = randomImages(3, 32, 32, 3, 400);
    expect(pixels[0]).toBeCloseTo((raw[0] / 255 - 0.5) / 0.5, 6); // channel 0 of pixel (0, 0)
    const a = new SuiteEvaluator(plain);
    const b = new SuiteEvaluator(suite);
    const fa = await a.checkpointFeatures(plain.pretrained, 't0', {}, 'pretrained');
    const fb = await b.checkpointFeatures(suite.pretrained, 't0', {}, 'pretrained');
    // The evaluator uses the file: features computed from those pixels differ from CLIP's normalisation's.
    expect(Math.max(...fa.z.map((v, i) => Math.abs(v - fb.z[i])))).toBeGreaterThan(1e-3);
    a.dispose();
    b.dispose();
  });
});
