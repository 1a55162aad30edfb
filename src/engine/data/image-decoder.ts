/**
 * Image decoding is platform-specific, so the engine takes it as an injected ImageDecoder: the
 * worker implements it with createImageBitmap + OffscreenCanvas, Node with pure-JS PNG/JPEG
 * decoders (png-decoder.node.ts). Decoders return 8-bit HWC pixels; CLIP preprocessing is separate.
 */
import type { RawImage } from '../model/clip-vit/preprocess';

export interface ImageDecoder {
  /** Decodes one encoded image (PNG or JPEG). `name` is the file, for messages. Rejects on bad data. */
  decode(bytes: Uint8Array, name: string): Promise<RawImage>;
}

/** File extensions an ImageFolder treats as images (lower case). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

export function isImageFile(path: string): boolean {
  const lower = path.toLowerCase();
  return IMAGE_EXTENSIONS.some((e) => lower.endsWith(e));
}
