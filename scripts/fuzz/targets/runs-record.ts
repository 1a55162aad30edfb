/** Fuzz target: a stored run record as IndexedDB hands it back (a structured-clone value, here from JSON). */
import { parseRecord } from '../../../src/state/runs/record';
import { sampleRecord } from '../../../src/state/runs/sample.node.js';
import type { FuzzTarget } from '../types';
import { json, text } from './seeds';

export const runsRecordTarget: FuzzTarget = {
  name: 'indexeddb-record',
  seeds: async () => [
    json(sampleRecord('a', '2026-12-01T09:00:00.000Z')),
    json(sampleRecord('b', '2026-12-01T10:00:00.000Z', { kind: 'train', seed: 0, preset: 'quick', average: null, tasks: [] })),
  ],
  async run(bytes) {
    let value: unknown;
    try {
      value = JSON.parse(text(bytes));
    } catch {
      value = text(bytes); // not JSON: a stored string, which the reader must refuse like any other value
    }
    parseRecord(value);
  },
};
