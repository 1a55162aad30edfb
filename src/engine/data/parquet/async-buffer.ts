/**
 * hyparquet reads a file through an AsyncBuffer (`byteLength` + `slice(start, end)`); this one
 * is backed by the engine's ByteSource, so a Parquet split is read range by range — footer, then
 * the column chunks of one row group at a time — from a browser File in the worker or a Node file
 * alike, never whole.
 */
import type { AsyncBuffer } from 'hyparquet';
import type { ByteSource } from '../../io/byte-source';

export function asyncBufferOf(src: ByteSource): AsyncBuffer {
  return {
    byteLength: src.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const from = Math.max(0, Math.min(start, src.size));
      const to = Math.max(from, Math.min(end ?? src.size, src.size));
      const bytes = await src.read(from, to - from);
      // A source may hand back a view into a larger buffer: hyparquet needs exactly the range.
      if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
      return bytes.slice().buffer as ArrayBuffer;
    },
  };
}
