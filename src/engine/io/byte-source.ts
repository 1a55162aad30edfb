/**
 * ByteSource: random access to the bytes of one file, wherever it lives (browser File/Blob,
 * a Node file, memory). Readers take a ByteSource so the same code runs in the worker and in Node.
 */
export interface ByteSource {
  /** File name (or path) for messages. */
  readonly name: string;
  /** Total size in bytes. */
  readonly size: number;
  /** Reads bytes [offset, offset + length). Must return exactly `length` bytes. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: fills `into` with bytes [offset, offset + into.byteLength) — memory the caller owns
   * and reuses, so a streaming reader does not allocate (and page in) fresh buffers per read.
   */
  readInto?(offset: number, into: Uint8Array): Promise<void>;
}

/** A ByteSource over a browser Blob/File: reads slices lazily, never the whole file. */
export function blobSource(blob: Blob, name = (blob as File).name ?? 'blob'): ByteSource {
  return {
    name,
    size: blob.size,
    async read(offset, length) {
      const buf = await blob.slice(offset, offset + length).arrayBuffer();
      return new Uint8Array(buf);
    },
  };
}

/** A ByteSource over bytes already in memory. */
export function memorySource(bytes: Uint8Array, name = 'memory'): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    async read(offset, length) {
      return bytes.subarray(offset, offset + length);
    },
    async readInto(offset, into) {
      into.set(bytes.subarray(offset, offset + into.byteLength));
    },
  };
}
