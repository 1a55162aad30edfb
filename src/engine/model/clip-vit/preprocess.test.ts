// CLIP preprocessing: the fixtures' images_uint8 → pixel_values (1e-5), PIL BICUBIC goldens made by
// scripts/make-preprocess-golden.py (exact uint8 agreement ⇒ 1e-5), properties and input errors.
import { describe, expect, it } from 'vitest';
import { MergelabError } from '../../errors';
import { loadFixtureTensors } from '../../testing/fixtures.node';
import { CLIP_MEAN, CLIP_STD, normalizeU8NHWC, preprocessBatch, preprocessImage, type RawImage } from './preprocess';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe.each(['tiny-a', 'tiny-b'])('preprocessing the %s inputs', (name) => {
  it('reproduces pixel_values from images_uint8 (fast path and full path) to 1e-5', async () => {
    const t = await loadFixtureTensors(name, 'inputs.safetensors');
    const u8 = t.get('images_uint8')!;
    const [n, h, w] = u8.shape;
    const want = t.get('pixel_values')!.values;
    expect(maxAbsDiff(normalizeU8NHWC(u8.values as Uint8Array, n, h, w), want)).toBeLessThan(1e-5);
    const imgs: RawImage[] = [];
    for (let i = 0; i < n; i++) imgs.push({ width: w, height: h, channels: 3, data: (u8.values as Uint8Array).subarray(i * h * w * 3, (i + 1) * h * w * 3) });
    expect(maxAbsDiff(preprocessBatch(imgs, h), want)).toBeLessThan(1e-5);
  });
});

describe('preprocessImage against PIL BICUBIC (e2e/fixtures/preprocess)', () => {
  it('matches resize + centre crop + normalise for shrinking, enlarging, grey and RGBA images', async () => {
    const t = await loadFixtureTensors('preprocess', 'golden.safetensors');
    const size = 24;
    for (let i = 0; t.has(`image_${i}`); i++) {
      const img = t.get(`image_${i}`)!;
      const [height, width, channels] = img.shape;
      const got = preprocessImage({ width, height, channels: channels as 1 | 3 | 4, data: img.values as Uint8Array }, size);
      // PIL's uint8 fixed-point resize is reproduced exactly, so only float rounding remains.
      expect(maxAbsDiff(got, t.get(`pixel_values_${i}`)!.values), `image_${i} ${width}×${height}×${channels}`).toBeLessThan(1e-5);
    }
  });
});

describe('preprocessImage properties', () => {
  const constant = (w: number, h: number, ch: 1 | 3 | 4, v: number[]): RawImage => {
    const data = new Uint8Array(w * h * ch);
    for (let i = 0; i < w * h; i++) for (let c = 0; c < ch; c++) data[i * ch + c] = v[c];
    return { width: w, height: h, channels: ch, data };
  };

  it('keeps a constant image constant, whether shrinking or enlarging', () => {
    for (const [w, h] of [[97, 61], [13, 40], [24, 24]]) {
      const out = preprocessImage(constant(w, h, 3, [200, 17, 90]), 24);
      [200, 17, 90].forEach((v, c) => {
        const want = (v / 255 - CLIP_MEAN[c]) / CLIP_STD[c];
        expect(maxAbsDiff(out.subarray(c * 576, (c + 1) * 576), new Float32Array(576).fill(want))).toBeLessThan(1e-6);
      });
    }
  });

  it('turns a grey image into three equal channels before normalisation, and drops alpha', () => {
    const data = new Uint8Array(31 * 19);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
    const grey = preprocessImage({ width: 31, height: 19, channels: 1, data }, 16);
    const rgba = new Uint8Array(data.length * 4);
    data.forEach((v, i) => rgba.set([v, v, v, (i * 11) % 256], i * 4));
    const fromRgba = preprocessImage({ width: 31, height: 19, channels: 4, data: rgba }, 16);
    expect(maxAbsDiff(grey, fromRgba)).toBe(0);
    const raw = (c: number, i: number) => grey[c * 256 + i] * CLIP_STD[c] + CLIP_MEAN[c];
    for (let i = 0; i < 256; i++) {
      expect(Math.abs(raw(0, i) - raw(1, i))).toBeLessThan(1e-6);
      expect(Math.abs(raw(0, i) - raw(2, i))).toBeLessThan(1e-6);
    }
  });

  it('crops the centre: a marker in the middle of a wide image lands in the middle of the output', () => {
    const img = constant(72, 24, 3, [0, 0, 0]);
    for (let y = 10; y < 14; y++) for (let x = 34; x < 38; x++) img.data.set([255, 255, 255], (y * 72 + x) * 3);
    const out = preprocessImage(img, 24);
    const white = (1 - CLIP_MEAN[0]) / CLIP_STD[0];
    expect(out[11 * 24 + 11]).toBeCloseTo(white, 5); // output x = 35 − left (24)
    expect(out[11 * 24 + 2]).toBeCloseTo(-CLIP_MEAN[0] / CLIP_STD[0], 5);
  });

  it('rejects bad buffers with a typed error that names the problem', () => {
    expect(() => preprocessImage({ width: 4, height: 4, channels: 3, data: new Uint8Array(47) }, 4)).toThrow(MergelabError);
    expect(() => preprocessImage({ width: 4, height: 4, channels: 3, data: new Uint8Array(47) }, 4)).toThrow(/47 bytes.*expected 48/);
    expect(() => preprocessImage({ width: 4, height: 4, channels: 2 as 3, data: new Uint8Array(32) }, 4)).toThrow(/2 channels/);
    expect(() => normalizeU8NHWC(new Uint8Array(10), 1, 2, 2)).toThrow(/\[1, 2, 2, 3\]/);
  });
});
