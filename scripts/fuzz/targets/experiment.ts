/** Fuzz target: an experiment file for `mergelab run` (validated before any file is opened). */
import { resolveTrainRequest } from '../../../src/engine/trained/request';
import type { FuzzTarget } from '../types';
import { json, text } from './seeds';

export const experimentTarget: FuzzTarget = {
  name: 'experiment',
  seeds: async () => [
    json({ suite: 'public/zoo/mini8', merge: { method: 'ties', params: { k: 20 } }, correction: { method: 'surgery', params: { rank: 16 } }, seed: 0, limit: null }),
    json({ suite: 's', merge: { method: 'adamerging', params: { granularity: 'layer' }, coefficients: [0.3, 0.3] }, preset: 'quick', limit: 100 }),
  ],
  async run(bytes) {
    let value: unknown;
    try {
      value = JSON.parse(text(bytes));
    } catch {
      return; // the CLI reports invalid JSON itself (readJsonCapped); this target checks the fields
    }
    resolveTrainRequest(value);
  },
};
