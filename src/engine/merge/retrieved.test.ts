// Consensus's per-task retrieved models written like a merge (mergeStream with `retrieved`): the
// file holds θ0 + mt ⊙ Σ τ (no α) for the chosen expert, computed here directly from the synthetic
// weights in float64, and names the expert in its metadata; other methods and bad indices are
// usage errors before anything is written.
import { beforeAll, describe, expect, it } from 'vitest';
import { memorySink, openSafetensors, readAll } from '../io/safetensors';
import { memorySource } from '../io/byte-source';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { mergeStream } from './stream';
import { type Weights, syntheticPool } from './test-pool.node';

let pool: { pretrained: Checkpoint; experts: Checkpoint[]; weights: Weights[] };
beforeAll(async () => {
  pool = await syntheticPool(3);
});

describe('retrieved models (TALL masks)', () => {
  it('writes θ0 + mt ⊙ τ_MTL of the chosen expert, whatever α, with the expert in the metadata', async () => {
    const [base, ...experts] = pool.weights;
    for (const t of [0, 2]) {
      const sink = memorySink();
      const r = await mergeStream({ ...pool, method: 'consensus', params: { lambda_t: 0.5, alpha: 0.7 }, retrieved: t }, sink);
      expect(r.metadata['mergelab.retrieved']).toBe(pool.experts[t].name);
      const file = await openSafetensors(memorySource(sink.bytes()));
      const got = await readAll(file);
      let masked = 0;
      let total = 0;
      for (const [name, b] of base) {
        const taus = experts.map((e) => e.get(name)!.map((x, j) => x - b[j]));
        const mtl = b.map((_, j) => taus.reduce((a, tau) => a + tau[j], 0));
        const v = got.get(name)!.values as Float32Array;
        b.forEach((x, j) => {
          const m = Math.abs(taus[t][j]) > 0.5 * Math.abs(mtl[j] - taus[t][j]);
          masked += m ? 0 : 1;
          total++;
          expect(Math.abs(v[j] - (m ? x + mtl[j] : x)), `${name}[${j}]`).toBeLessThan(1e-6);
        });
      }
      expect(masked).toBeGreaterThan(0); // the mask drops entries
      expect(masked).toBeLessThan(total);
    }
  });

  it('refuses a method without TALL masks and an expert out of range, with usage errors', async () => {
    await expect(mergeStream({ ...pool, method: 'ties', retrieved: 0 }, memorySink())).rejects.toMatchObject({ code: 'usage', message: expect.stringMatching(/ties has no per-task retrieved models/) });
    await expect(mergeStream({ ...pool, method: 'consensus', retrieved: 3 }, memorySink())).rejects.toMatchObject({ code: 'usage', message: expect.stringMatching(/no expert 4 to retrieve \(the pool has 3\)/) });
  });
});
