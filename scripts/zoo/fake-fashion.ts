/** Test helper: a tiny Fashion-MNIST look-alike in IDX .gz files, so tests need no Debian package. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdxU8 } from '../../src/engine/data/idx';

/** A tiny Fashion-MNIST look-alike: n 28×28 images per split whose pixels encode the label. */
export async function fakeFashionDir(n = 60): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'zoo-fashion-'));
  for (const prefix of ['train', 't10k']) {
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
    const images = new Uint8Array(n * 28 * 28);
    labels.forEach((l, i) => images.fill(20 * l + 5, i * 784, (i + 1) * 784));
    await writeFile(join(dir, `${prefix}-images-idx3-ubyte.gz`), gzipSync(encodeIdxU8([n, 28, 28], images)));
    await writeFile(join(dir, `${prefix}-labels-idx1-ubyte.gz`), gzipSync(encodeIdxU8([n], labels)));
  }
  return dir;
}
