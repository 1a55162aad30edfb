/** Fuzz target: the OPFS cache's index.json as the page reads it back. */
import { parseIndex } from '../../../src/engine/io/opfs-index';
import type { FuzzTarget } from '../types';
import { json, text } from './seeds';

export const opfsIndexTarget: FuzzTarget = {
  name: 'opfs-index',
  seeds: async () => [json({ version: 1, entries: [{ hash: 'ab', kind: 'suite', name: 'tiny', files: [{ path: 'manifest.json', hash: 'cd', bytes: 10 }], bytes: 10, added: '2026-12-01T09:00:00.000Z' }] })],
  async run(bytes) {
    parseIndex(text(bytes));
  },
};
