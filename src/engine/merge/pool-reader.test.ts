/** PoolReader with recycled buffers: the right values whatever the read order, buffers really reused, slow reads waited for. */
import { beforeAll, describe, expect, it } from 'vitest';
import { memorySource, type ByteSource } from '../io/byte-source';
import { memorySink, writeSafetensors } from '../io/safetensors';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { toHfConfigJson } from '../model/clip-vit/config';
import { openCheckpoint } from '../model/clip-vit/open-checkpoint';
import { PoolReader } from './pool-reader';
import { TINY, type Weights, syntheticPool } from './test-pool.node';

let pool: { pretrained: Checkpoint; experts: Checkpoint[]; weights: Weights[] };
beforeAll(async () => {
  pool = await syntheticPool(3, 4);
});

async function expectTensor(reader: PoolReader, i: number, wait = 0): Promise<void> {
  const x = await reader.read(i);
  await new Promise((r) => setTimeout(r, wait)); // valid until the next read(), however long that takes
  const name = reader.specs[i].name;
  expect(x.index).toBe(i);
  expect(Array.from(x.base)).toEqual(Array.from(await pool.pretrained.readParam(name)));
  for (const [t, e] of pool.experts.entries()) expect(Array.from(x.experts[t]), `${name} expert ${t}`).toEqual(Array.from(await e.readParam(name)));
}

describe('PoolReader', () => {
  it('recycles READ_AHEAD + 1 buffers per model, round-robin, when asked to', async () => {
    const reader = new PoolReader(pool.pretrained, pool.experts, { recycle: true });
    const a = await reader.read(0);
    const aBuffer = a.base.buffer;
    await reader.read(1);
    await reader.read(2);
    expect((await reader.read(3)).base.buffer).toBe(aBuffer);
    const fresh = new PoolReader(pool.pretrained, pool.experts);
    const b = await fresh.read(0);
    for (let i = 1; i <= 3; i++) expect((await fresh.read(i)).base.buffer).not.toBe(b.base.buffer);
  });

  it('gives every tensor its own values in order, out of order and twice in a row', async () => {
    const reader = new PoolReader(pool.pretrained, pool.experts, { recycle: true });
    const n = reader.specs.length;
    for (let i = 0; i < n; i++) await expectTensor(reader, i);
    for (const i of [5, 1, 1, 20, 3, 4, 0, n - 1, n - 2, 7, 6]) await expectTensor(reader, i);
  });

  it('waits for an abandoned read-ahead still filling a buffer before reusing it', async () => {
    // read(0) reads tensor 0 of the 4 models (calls 0–3) and starts the read-ahead of tensors 1, 2
    // (calls 4–11), which is slow, so it is still running when read(4) and read(5) want its buffers.
    let calls = 0;
    const slow = (src: ByteSource): ByteSource => ({
      ...src,
      readInto: async (offset, into) => {
        const call = calls++;
        await new Promise((r) => setTimeout(r, call >= 4 && call < 12 ? 80 : 1));
        await src.readInto!(offset, into);
      },
    });
    const open = async (name: string, w: Weights) => {
      const sink = memorySink();
      await writeSafetensors(sink, [...w].map(([n, v]) => ({ name: n, dtype: 'F32' as const, shape: pool.pretrained.params.find((p) => p.name === n)!.shape, v })), (s) => w.get(s.name)!);
      const cfg = new TextEncoder().encode(JSON.stringify(toHfConfigJson(TINY)));
      return openCheckpoint(name, [slow(memorySource(sink.bytes(), `${name}/model.safetensors`)), memorySource(cfg, `${name}/config.json`)]);
    };
    const [pretrained, ...experts] = await Promise.all(pool.weights.map((w, c) => open(c ? `expert-${c - 1}` : 'pretrained', w)));
    const reader = new PoolReader(pretrained, experts, { recycle: true });
    for (const i of [0, 4, 5, 6, 2, 3]) await expectTensor(reader, i, i === 0 ? 0 : 100);
  });
});
