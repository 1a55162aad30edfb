/**
 * The Node ImageDecoder (CLI, tests): PNG via fast-png, JPEG via jpeg-js, both pure JS. Grey,
 * grey+alpha, RGB, RGBA and palette PNGs at 8 or 16 bits become 8-bit RawImages (16-bit keeps the
 * high byte; alpha of grey+alpha is dropped, RGBA keeps 4 channels for preprocessing to drop).
 */
import { convertIndexedToRgb, decode as decodePng, hasPngSignature } from 'fast-png';
import jpeg from 'jpeg-js';
import type { RawImage } from '../model/clip-vit/preprocess';
import type { ImageDecoder } from './image-decoder';

const isJpeg = (b: Uint8Array) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** Largest image decoded (24 megapixels, a 6000×4000 photo: 96 MB as 8-bit RGBA, 192 MB at 16 bits); larger ones are refused before decoding. */
export const MAX_IMAGE_PIXELS = 24_000_000;

function fromPng(bytes: Uint8Array): RawImage {
  // IHDR comes first (bytes 16–23: width, height, big-endian): refuse huge images before allocating.
  if (bytes.length >= 24) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const w = view.getUint32(16, false);
    const h = view.getUint32(20, false);
    if (w * h > MAX_IMAGE_PIXELS) throw new Error(`PNG of ${w}×${h} pixels is larger than the ${MAX_IMAGE_PIXELS / 1e6} megapixels accepted`);
  }
  const png = decodePng(bytes);
  const { width, height } = png;
  let data = png.palette ? convertIndexedToRgb(png) : png.data;
  let channels = png.palette ? data.length / (width * height) : png.channels;
  if (data instanceof Uint16Array) data = Uint8Array.from(data, (v) => v >> 8);
  if (channels === 2) {
    // grey + alpha → grey
    const grey = new Uint8Array(width * height);
    for (let i = 0; i < grey.length; i++) grey[i] = data[2 * i];
    data = grey;
    channels = 1;
  }
  return { width, height, channels: channels as 1 | 3 | 4, data: data as Uint8Array };
}

function fromJpeg(bytes: Uint8Array): RawImage {
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 400 });
  return { width: img.width, height: img.height, channels: 3, data: img.data };
}

export const nodeImageDecoder: ImageDecoder = {
  async decode(bytes) {
    if (hasPngSignature(bytes)) return fromPng(bytes);
    if (isJpeg(bytes)) return fromJpeg(bytes);
    throw new Error('not a PNG or JPEG image (unrecognised file signature)');
  },
};
