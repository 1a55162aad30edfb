// The fuzz harness's short CI run: 200 mutated inputs per reader (fixed seed, so a failure
// replays), each target held to its contract: zero raw exceptions (only MergelabError), no hang,
// no case over 2 s of CPU, memory under 500 MB. Plus a check that the harness can fail at all: a
// reader that throws a plain Error on some inputs is caught and counted.
import { describe, expect, it } from 'vitest';
import { MergelabError } from '../../src/engine/errors';
import { LIMITS, verdict } from './main';
import { bitFlips, hugeLength, jsonMutation, truncate } from './mutators';
import { fuzzTarget } from './runner';
import { TARGETS } from './targets/index';
import { createRng } from '../../src/engine/random';

const CASES = 200;

describe('fuzz: every reader, 200 mutated inputs each', () => {
  for (const target of TARGETS) {
    it(target.name, async () => {
      const r = await fuzzTarget(target, { cases: CASES, seed: 17 });
      expect(r.inputs).toBe(CASES);
      expect(r.failures.map((f) => `case ${f.case} (${f.mutators.join('+')}): ${f.error}`)).toEqual([]);
      expect(verdict(r)).toEqual([]);
      expect(r.slowest.cpuMs).toBeLessThan(LIMITS.cpuMs);
      // The mutations reach past the first check: some inputs are accepted and some are typed errors.
      expect(r.accepted).toBeGreaterThan(0);
      if (target.name !== 'url-hash') expect(r.typed).toBeGreaterThan(0);
    });
  }
});

describe('fuzz harness', () => {
  it('counts a plain Error as a raw exception and a MergelabError as typed', async () => {
    const r = await fuzzTarget({
      name: 'naive',
      seeds: async () => [new TextEncoder().encode('{"a": [1, 2, 3]}')],
      async run(bytes) {
        const v = JSON.parse(new TextDecoder().decode(bytes)); // raw SyntaxError on bad JSON
        if (!Array.isArray(v.a)) throw new MergelabError('data', 'no a');
      },
    }, { cases: 100, seed: 3 });
    expect(r.raw).toBeGreaterThan(0);
    expect(r.typed).toBeGreaterThan(0);
    expect(r.raw + r.typed + r.accepted).toBe(100);
    expect(r.failures[0].error).toMatch(/SyntaxError|TypeError/);
  });

  it('reports a hang instead of waiting forever', async () => {
    const r = await fuzzTarget({ name: 'hang', seeds: async () => [new Uint8Array(4)], run: () => new Promise(() => {}) }, { cases: 3, hangMs: 50 });
    expect(r.hangs).toBe(1);
    expect(r.inputs).toBe(1);
  });

  it('mutators: bit flips change 1–8 bits, truncation shortens, huge lengths overwrite a length field, JSON mutations keep a safetensors length prefix consistent', () => {
    const rng = createRng(5);
    const seed = Uint8Array.from({ length: 64 }, (_, i) => i);
    const flipped = bitFlips(seed, rng);
    const bits = flipped.reduce((a, b, i) => a + popcount(b ^ seed[i]), 0);
    expect(bits).toBeGreaterThanOrEqual(1);
    expect(bits).toBeLessThanOrEqual(8);
    expect(truncate(seed, rng).length).toBeLessThanOrEqual(64);
    const huge = hugeLength(seed, rng);
    expect(huge.length).toBe(64);
    expect(huge).not.toEqual(seed);
    const header = new TextEncoder().encode('{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}');
    const st = new Uint8Array(8 + header.length + 4);
    new DataView(st.buffer).setBigUint64(0, BigInt(header.length), true);
    st.set(header, 8);
    for (let i = 0; i < 20; i++) {
      const m = jsonMutation(st, rng);
      const n = Number(new DataView(m.buffer).getBigUint64(0, true));
      expect(8 + n + 4).toBe(m.length); // header length matches the rewritten JSON; the data is kept
    }
  });
});

function popcount(x: number): number {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}
