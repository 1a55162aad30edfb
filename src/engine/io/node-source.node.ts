/**
 * Node-only ByteSource over a file on disk (positional reads; never loads the whole file).
 * Streaming merges read each file a few hundred times per pass, so the file handle is kept open
 * between reads and closed once no read has happened for a second. Each read returns a fresh,
 * unpooled buffer that is not zero-filled first (the read overwrites all of it); readInto fills
 * the caller's memory instead.
 */
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { ByteSource } from './byte-source';

const IDLE_CLOSE_MS = 1000;

export async function nodeFileSource(path: string): Promise<ByteSource> {
  const { size } = await stat(path);
  let handle: Promise<FileHandle> | null = null;
  let busy = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const closeWhenIdle = () => {
    timer = setTimeout(() => {
      const h = handle;
      handle = null;
      h?.then((fh) => fh.close()).catch(() => {});
    }, IDLE_CLOSE_MS);
    timer.unref();
  };
  const readInto = async (offset: number, out: Uint8Array) => {
    clearTimeout(timer);
    busy++;
    try {
      if (!handle) {
        const opening = open(path, 'r');
        opening.catch(() => { if (handle === opening) handle = null; }); // retry the open on the next read
        handle = opening;
      }
      const fh = await handle;
      const length = out.byteLength;
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fh.read(out, done, length - done, offset + done);
        if (bytesRead === 0) throw new Error(`${path}: unexpected end of file at byte ${offset + done}`);
        done += bytesRead;
      }
    } finally {
      if (--busy === 0) closeWhenIdle();
    }
  };
  return {
    name: path,
    size,
    async read(offset, length) {
      const buf = Buffer.allocUnsafeSlow(length);
      const out = new Uint8Array(buf.buffer, buf.byteOffset, length);
      await readInto(offset, out);
      return out;
    },
    readInto,
  };
}
