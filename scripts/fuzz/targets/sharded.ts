/** Fuzz target: model.safetensors.index.json over two fixed, valid shards (tiny-a's tensors split in two). */
import { memorySource } from '../../../src/engine/io/byte-source';
import { memorySink, openSafetensors, readAll, writeSafetensors, type WriteDtype } from '../../../src/engine/io/safetensors';
import { openSharded } from '../../../src/engine/io/sharded';
import type { FuzzTarget } from '../types';
import { fixtureBytes, json } from './seeds';

let shards: { name: string; bytes: Uint8Array }[] | null = null;
let weightMap: Record<string, string> = {};

async function makeShards() {
  const all = await readAll(await openSafetensors(memorySource(await fixtureBytes('tiny-a', 'model.safetensors'))));
  const names = [...all.keys()];
  const halves = [names.slice(0, names.length >> 1), names.slice(names.length >> 1)];
  shards = [];
  weightMap = {};
  for (const [i, part] of halves.entries()) {
    const name = `model-0000${i + 1}-of-00002.safetensors`;
    const sink = memorySink();
    await writeSafetensors(sink, part.map((n) => ({ name: n, dtype: all.get(n)!.dtype as WriteDtype, shape: all.get(n)!.shape })), (s) => all.get(s.name)!.values);
    shards.push({ name, bytes: sink.bytes() });
    for (const n of part) weightMap[n] = name;
  }
}

export const shardedTarget: FuzzTarget = {
  name: 'sharded-index',
  async seeds() {
    await makeShards();
    return [json({ metadata: { total_size: 467_000 }, weight_map: weightMap }), json({ weight_map: weightMap })];
  },
  async run(bytes) {
    if (!shards) await makeShards();
    const store = await openSharded(memorySource(bytes, 'model.safetensors.index.json'), shards!.map((s) => memorySource(s.bytes, s.name)));
    const first = [...store.tensors.keys()][0];
    if (first !== undefined) await store.read(first);
  },
};
