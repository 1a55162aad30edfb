/** Fuzz target: heads.safetensors, read against suite-tiny's tasks and classes. */
import { memorySource } from '../../../src/engine/io/byte-source';
import { openSafetensors } from '../../../src/engine/io/safetensors';
import { readHeads } from '../../../src/engine/model/heads';
import type { FuzzTarget } from '../types';
import { fixtureBytes } from './seeds';

const TASKS = [{ name: 'waves', classes: ['calm', 'choppy', 'stormy'] }, { name: 'folders', classes: ['red', 'green', 'blue', 'grey'] }, { name: 'scans', classes: ['even', 'odd'] }];

export const headsTarget: FuzzTarget = {
  name: 'heads',
  seeds: async () => [await fixtureBytes('suite-tiny', 'heads.safetensors')],
  async run(bytes) {
    await readHeads(await openSafetensors(memorySource(bytes, 'heads.safetensors')), TASKS);
  },
};
