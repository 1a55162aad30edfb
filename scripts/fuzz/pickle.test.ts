// The pickle fuzz, bounded for CI: 400 mutated checkpoints (the 10,000-case run is
// `npx tsx scripts/fuzz-pickle.ts`); every seed reads, every mutant either reads or throws a
// MergelabError, none is slow.
import { describe, expect, it } from 'vitest';
import { MergelabError } from '../../src/engine/errors';
import { mutate } from './mutate';
import { pickleTarget } from './targets/pickle';

describe('pytorch-pickle fuzz (bounded)', () => {
  it('seeds read, mutants throw only typed errors, each within 2 s', async () => {
    const seeds = await pickleTarget.seeds();
    expect(seeds.length).toBeGreaterThanOrEqual(9);
    for (const s of seeds) await pickleTarget.run(s);
    const raw: string[] = [];
    let typed = 0;
    for (let c = 0; c < 400; c++) {
      const t0 = performance.now();
      try { await pickleTarget.run(mutate(seeds, c)); } catch (e) {
        if (e instanceof MergelabError) typed++;
        else raw.push(`case ${c}: ${String(e)}`);
      }
      expect(performance.now() - t0, `case ${c}`).toBeLessThan(2000);
    }
    expect(raw).toEqual([]);
    expect(typed).toBeGreaterThan(100); // the mutations do reach the error paths
  });

  it('mutations are deterministic and change the bytes', async () => {
    const seeds = await pickleTarget.seeds();
    expect(mutate(seeds, 7)).toEqual(mutate(seeds, 7));
    let changed = 0;
    for (let c = 0; c < 50; c++) {
      const m = mutate(seeds, c);
      if (!seeds.some((s) => s.length === m.length && s.every((v, i) => v === m[i]))) changed++;
    }
    expect(changed).toBeGreaterThan(45);
  });
});
