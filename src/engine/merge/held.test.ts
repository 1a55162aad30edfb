/** holdMerge: the page's held merge gives the same model.safetensors bytes and result as mergeStream, and the same values as mergeInMemory. */
import { beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../errors';
import { memorySink } from '../io/safetensors';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import type { MergeChoice } from './request';
import { heldFileParts, holdMerge } from './held';
import { mergeInMemory } from './in-memory';
import { mergeStream } from './stream';
import { fixturePool } from './test-pool.node';

let pool: { pretrained: Checkpoint; experts: Checkpoint[] };
beforeAll(async () => {
  pool = await fixturePool();
});

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.byteLength; }
  return out;
};

describe('holdMerge', () => {
  const cases: MergeChoice[] = [
    { method: 'average' },
    { method: 'task_arithmetic', params: { lambda: 0.5 } },
    { method: 'ties', params: { aggregate: 'mean' } },
    { method: 'dare', params: { base: 'ties', seed: 3 } },
    { method: 'consensus', params: { lambda_t: 0.4 } },
  ];
  for (const c of cases) {
    it(`${c.method}: model.safetensors byte for byte as mergeStream writes it, values as mergeInMemory`, async () => {
      const held = await holdMerge({ ...pool, ...c });
      const sink = memorySink();
      const streamed = await mergeStream({ ...pool, ...c }, sink);
      expect(concat(heldFileParts(held))).toEqual(sink.bytes());
      const { config, configJson, metadata, inputs, notes, params, method, passes, bytesWritten } = held;
      const { bytesRead, ...rest } = streamed;
      expect({ config, configJson, metadata, inputs, notes, params, method, passes, bytesWritten }).toEqual(rest);
      expect(held.bytesRead).toBeCloseTo(bytesRead, 3); // a float sum whose order follows the reads' completion
      const mem = await mergeInMemory({ ...pool, ...c });
      expect([...held.values.keys()]).toEqual([...mem.values.keys()]);
      for (const [name, v] of mem.values) expect(held.values.get(name), name).toEqual(v);
    });
  }

  it('resolves the given parameters once and reports them resolved; a cancelled merge throws', async () => {
    const held = await holdMerge({ ...pool, method: 'ties', params: { aggregate: 'mean' } });
    expect(held.params).toEqual({ k: 20, lambda: 1, aggregate: 'mean' });
    await expect(holdMerge({ ...pool, method: 'average' }, { signal: { aborted: true } })).rejects.toBeInstanceOf(CancelledError);
  });
});
