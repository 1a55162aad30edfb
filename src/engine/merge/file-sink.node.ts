/**
 * Node-only ByteSink to a file, written safely: bytes go to `<path>.partial`, close() renames it
 * to `<path>` (so a complete file appears at once), abort() deletes the partial file. Small chunks
 * are gathered into an 8 MB buffer so the many tiny tensors (biases, LayerNorms) cost few writes.
 */
import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { AbortableSink } from './stream';

const BATCH = 8 << 20;

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.byteLength;) off += (await fh.write(bytes, off, bytes.byteLength - off)).bytesWritten;
}

export async function nodeFileSink(path: string): Promise<AbortableSink> {
  const partial = `${path}.partial`;
  let fh: FileHandle | null = await open(partial, 'w');
  const staging = new Uint8Array(BATCH);
  let staged = 0;
  const flush = async () => {
    if (staged) await writeAll(fh!, staging.subarray(0, staged));
    staged = 0;
  };
  return {
    async write(chunk) {
      if (!fh) throw new Error(`${path}: write after close`);
      if (staged + chunk.byteLength > BATCH) await flush();
      if (chunk.byteLength >= BATCH) await writeAll(fh, chunk);
      else {
        staging.set(chunk, staged);
        staged += chunk.byteLength;
      }
    },
    async close() {
      await flush();
      await fh!.close();
      fh = null;
      await rename(partial, path);
    },
    async abort() {
      staged = 0;
      if (fh) await fh.close().catch(() => {});
      fh = null;
      await rm(partial, { force: true });
    },
  };
}
