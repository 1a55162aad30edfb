/** Fuzz target: a suite's manifest.json (parsed and validated; the suite's files are not opened). */
import { parseManifest } from '../../../src/engine/data/manifest';
import type { FuzzTarget } from '../types';
import { fixtureBytes, text } from './seeds';

export const manifestTarget: FuzzTarget = {
  name: 'manifest.json',
  seeds: async () => [await fixtureBytes('suite-tiny', 'manifest.json')],
  async run(bytes) {
    parseManifest(text(bytes));
  },
};
