/** Fuzz target: a safetensors file (header parsed and validated, then every small tensor read). */
import { memorySource } from '../../../src/engine/io/byte-source';
import { openSafetensors } from '../../../src/engine/io/safetensors';
import type { FuzzTarget } from '../types';
import { fixtureBytes } from './seeds';

export const safetensorsTarget: FuzzTarget = {
  name: 'safetensors',
  seeds: async () => [await fixtureBytes('tiny-a', 'model.safetensors'), await fixtureBytes('tiny-a', 'inputs.safetensors'), await fixtureBytes('suite-tiny', 'heads.safetensors')],
  async run(bytes) {
    const store = await openSafetensors(memorySource(bytes, 'fuzz.safetensors'));
    for (const [name, info] of store.tensors) if (info.byteLength <= 1 << 20) await store.read(name);
  },
};
