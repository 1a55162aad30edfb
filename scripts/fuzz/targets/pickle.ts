/**
 * Fuzz target for the PyTorch pickle reader (`npm run fuzz -- --target pytorch-pickle`): seeds
 * are the committed torch.save fixtures (zip and legacy formats, state dicts, a pickled module tree,
 * BF16/F16, views, a head) plus small crafted files; `run` opens a file and reads every tensor, and
 * may throw only MergelabError subclasses. Its mutations aim at the pickle (pickle-mutate.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memorySource } from '../../../src/engine/io/byte-source';
import { openPytorch } from '../../../src/engine/io/pickle/torch-file';
import { unwrapPickle } from '../../../src/engine/model/clip-vit/pickled';
import { tensorZip } from '../../../src/engine/testing/pickle-craft';
import type { FuzzTarget } from '../types';
import { mutatePickle } from './pickle-mutate';

const FIXTURES = fileURLToPath(new URL('../../../e2e/fixtures/pickle/', import.meta.url));

function torchFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return torchFiles(p);
    return /\.(bin|pt|pth)$/.test(f) ? [p] : [];
  });
}

export const pickleTarget: FuzzTarget = {
  name: 'pytorch-pickle',
  mutate: mutatePickle,
  seeds: async (): Promise<Uint8Array[]> => [
    ...torchFiles(FIXTURES).sort().map((p) => new Uint8Array(readFileSync(p))),
    tensorZip('w', Float32Array.from({ length: 12 }, (_, i) => i), [2, 3], [1, 4], 1),
  ],
  run: async (bytes: Uint8Array): Promise<void> => {
    const store = await openPytorch(memorySource(bytes, 'fuzz.pt'));
    for (const name of store.tensors.keys()) await store.read(name);
    unwrapPickle(store, 'fuzz.pt');
  },
};
