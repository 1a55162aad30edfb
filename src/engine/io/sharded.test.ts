// Sharded safetensors: an index over several shard files reads like one store; every broken
// reference (missing shard, tensor not in its shard, malformed index) is a SafetensorsError.
import { describe, expect, it } from 'vitest';
import { SafetensorsError } from '../errors';
import { memorySource } from './byte-source';
import { memorySink, writeSafetensors } from './safetensors';
import { openSharded } from './sharded';

async function shard(name: string, tensors: Record<string, number[]>) {
  const sink = memorySink();
  const entries = Object.entries(tensors);
  await writeSafetensors(sink, entries.map(([n, v]) => ({ name: n, dtype: 'F32' as const, shape: [v.length] })), (_s, i) => Float32Array.from(entries[i][1]));
  return memorySource(sink.bytes(), name);
}
const json = (name: string, value: unknown) => memorySource(new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value)), name);

describe('openSharded', () => {
  it('reads every mapped tensor from its shard, matching shard files by name inside folders', async () => {
    const a = await shard('ck/sub/model-00001-of-00002.safetensors', { x: [1, 2, 3], y: [4] });
    const b = await shard('ck/sub/model-00002-of-00002.safetensors', { z: [5, 6], stray: [0] });
    const index = json('ck/model.safetensors.index.json', {
      metadata: { total_size: 24, format: 'pt' },
      weight_map: { x: 'model-00001-of-00002.safetensors', z: 'model-00002-of-00002.safetensors', y: 'model-00001-of-00002.safetensors' },
    });
    const store = await openSharded(index, [b, a, json('ck/config.json', {})]);
    expect([...store.tensors.keys()]).toEqual(['x', 'z', 'y']);
    expect(store.shards).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    expect(store.metadata).toEqual({ total_size: '24', format: 'pt' });
    expect(store.unmapped).toEqual(['stray']);
    expect(store.size).toBe(a.size + b.size);
    expect(Array.from((await store.read('z')).values)).toEqual([5, 6]);
    expect(Array.from((await store.read('x')).values)).toEqual([1, 2, 3]);
    await expect(store.read('stray')).rejects.toThrow(/no tensor "stray" in its weight_map/);
  });

  it('names every missing shard at once', async () => {
    const a = await shard('a.safetensors', { x: [1] });
    const index = json('model.safetensors.index.json', { weight_map: { x: 'a.safetensors', y: 'b.safetensors', z: 'c.safetensors' } });
    const e = await openSharded(index, [a]).catch((x) => x);
    expect(e).toBeInstanceOf(SafetensorsError);
    expect(e.message).toMatch(/model\.safetensors\.index\.json: names 2 shard files that are not in the folder: b\.safetensors, c\.safetensors/);
  });

  it('names every tensor its shard does not hold', async () => {
    const a = await shard('a.safetensors', { x: [1] });
    const index = json('i.json', { weight_map: { x: 'a.safetensors', p: 'a.safetensors', q: 'a.safetensors' } });
    await expect(openSharded(index, [a])).rejects.toThrow(/maps 2 tensors .*"p" \(mapped to a\.safetensors\), "q" \(mapped to a\.safetensors\)/);
  });

  it('rejects malformed index files', async () => {
    const a = await shard('a.safetensors', { x: [1] });
    await expect(openSharded(json('i.json', '{"weight_map": '), [a])).rejects.toThrow(/i\.json: is not valid JSON/);
    await expect(openSharded(json('i.json', { metadata: {} }), [a])).rejects.toThrow(/no "weight_map" object/);
    await expect(openSharded(json('i.json', { weight_map: { x: 3 } }), [a])).rejects.toThrow(/not a string for: x/);
  });
});
