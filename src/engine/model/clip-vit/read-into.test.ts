// readParamInto (streaming merges reuse their buffers through it): F32 tensors without a transform
// land in the caller's memory, through Node files, in-memory files and shards; everything else
// (F16, open_clip q/k/v splits and transposes, sources without readInto, too small a buffer)
// comes back as a fresh array. Values always equal readParam's.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ByteSource } from '../../io/byte-source';
import { nodeFileSource } from '../../io/node-source.node';
import { fixturePath, loadFixtureTensors } from '../../testing/fixtures.node';
import type { Checkpoint } from './checkpoint';
import { openCheckpoint } from './open-checkpoint';
import { type Tensors, jsonFile, safetensorsFile, toOpenClip } from './variants.node';

let tinyA: Tensors;
beforeAll(async () => {
  tinyA = await loadFixtureTensors('tiny-a', 'model.safetensors');
});

const openFixture = async (name: string) => openCheckpoint(name, await Promise.all(['config.json', 'model.safetensors'].map((f) => nodeFileSource(fixturePath(name, f)))));
const largest = (ck: Checkpoint) => Math.max(...ck.params.map((p) => p.shape.reduce((a, b) => a * b, 1)));

/** Reads every parameter through readParamInto into one buffer; returns how many landed in it. */
async function readAllInto(ck: Checkpoint, into: Float32Array): Promise<number> {
  let inPlace = 0;
  for (const p of ck.params) {
    const got = await ck.readParamInto!(p.name, into);
    const want = await ck.readParam(p.name);
    expect(Array.from(got), p.name).toEqual(Array.from(want));
    if (got.buffer === into.buffer) {
      expect(got.byteOffset).toBe(into.byteOffset);
      inPlace++;
    }
  }
  return inPlace;
}

describe('readParamInto', () => {
  it('fills the caller\'s buffer for F32 Node files, and reads F16 (tiny-b) into fresh arrays', async () => {
    const a = await openFixture('tiny-a');
    expect(await readAllInto(a, new Float32Array(largest(a) + 3))).toBe(a.params.length);
    const b = await openFixture('tiny-b');
    expect(await readAllInto(b, new Float32Array(largest(b)))).toBe(0);
  });

  it('reads in-memory files and shards in place, and falls back where it must', async () => {
    const names = [...tinyA.keys()];
    const config = () => jsonFile('config.json', JSON.parse(readFileSync(fixturePath('tiny-a', 'config.json'), 'utf8')));
    const hf = await openCheckpoint('mem', [await safetensorsFile('model.safetensors', tinyA), config()]);
    const into = new Float32Array(largest(hf));
    expect(await readAllInto(hf, into)).toBe(names.length);

    const half = Math.floor(names.length / 2);
    const shardOf = (i: number) => (i < half ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors');
    const s1 = await safetensorsFile(shardOf(0), new Map(names.slice(0, half).map((n) => [n, tinyA.get(n)!])));
    const s2 = await safetensorsFile(shardOf(half), new Map(names.slice(half).map((n) => [n, tinyA.get(n)!])));
    const index = jsonFile('model.safetensors.index.json', { metadata: {}, weight_map: Object.fromEntries(names.map((n, i) => [n, shardOf(i)])) });
    expect(await readAllInto(await openCheckpoint('sharded', [index, s2, s1, config()]), into)).toBe(names.length);

    // open_clip: q/k/v are slices of in_proj and the projection is transposed — only the plain tensors land in place.
    const oc = await openCheckpoint('oc', [await safetensorsFile('open_clip_model.safetensors', toOpenClip(tinyA, 'visual.', 2))]);
    const plain = oc.params.filter((p) => !/\.(q|k|v)_proj\.(weight|bias)$|visual_projection/.test(p.name)).length;
    expect(await readAllInto(oc, into)).toBe(plain);

    // A source that cannot read into memory (like a browser Blob), and a buffer too small: fresh arrays.
    const file = await safetensorsFile('model.safetensors', tinyA);
    const readOnly: ByteSource = { name: file.name, size: file.size, read: (o, n) => file.read(o, n) };
    expect(await readAllInto(await openCheckpoint('blob-like', [readOnly, config()]), into)).toBe(0);
    const small = new Float32Array(4);
    const fc1 = 'vision_model.encoder.layers.0.mlp.fc1.weight';
    const got = await hf.readParamInto!(fc1, small);
    expect(got.buffer).not.toBe(small.buffer);
    expect(Array.from(got)).toEqual(Array.from(await hf.readParam(fc1)));
  });
});
