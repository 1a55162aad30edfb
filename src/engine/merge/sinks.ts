/**
 * DOM-free destinations for mergeStream in the browser worker: the bytes as a list of Uint8Array
 * parts (the worker wraps them in one Blob for the page: `new Blob(sink.parts)`), discarded on
 * abort. Parts are kept as given, not copied: writeSafetensors hands over fresh chunks.
 */
import type { AbortableSink } from './stream';

export interface BlobPartsSink extends AbortableSink {
  readonly parts: Uint8Array[];
  /** Total bytes received. */
  readonly size: number;
  /** True once close() was called (the file is complete). */
  readonly closed: boolean;
}

export function blobPartsSink(): BlobPartsSink {
  const parts: Uint8Array[] = [];
  let size = 0;
  let closed = false;
  return {
    parts,
    get size() { return size; },
    get closed() { return closed; },
    async write(chunk) {
      if (closed) throw new Error('blobPartsSink: write after close');
      parts.push(chunk);
      size += chunk.byteLength;
    },
    async close() { closed = true; },
    async abort() {
      parts.length = 0;
      size = 0;
    },
  };
}
