/** Node-only ByteSource over a file on disk (positional reads; never loads the whole file). */
import { open, stat } from 'node:fs/promises';
import type { ByteSource } from './byte-source';

export async function nodeFileSource(path: string): Promise<ByteSource> {
  const { size } = await stat(path);
  return {
    name: path,
    size,
    async read(offset, length) {
      const fh = await open(path, 'r');
      try {
        const out = new Uint8Array(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await fh.read(out, done, length - done, offset + done);
          if (bytesRead === 0) throw new Error(`${path}: unexpected end of file at byte ${offset + done}`);
          done += bytesRead;
        }
        return out;
      } finally {
        await fh.close();
      }
    },
  };
}
