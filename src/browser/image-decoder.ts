/**
 * The browser's ImageDecoder for ImageFolder suites in the worker: createImageBitmap decodes the
 * PNG/JPEG, an OffscreenCanvas hands back RGBA pixels (preprocessing drops alpha). Worker-only
 * (Node uses engine/data/png-decoder.node.ts).
 */
import type { ImageDecoder } from '../engine/data/image-decoder';

export const browserImageDecoder: ImageDecoder = {
  async decode(bytes) {
    // No colour-space conversion or premultiplication: the same 8-bit values Node's decoder returns.
    const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    try {
      const { width, height } = bitmap;
      const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('no 2D canvas in this worker');
      ctx.drawImage(bitmap, 0, 0);
      const data = ctx.getImageData(0, 0, width, height).data;
      return { width, height, channels: 4, data };
    } finally {
      bitmap.close();
    }
  },
};
