import { describe, expect, it } from 'vitest';
import { CancelledError } from '../engine/errors';
import { createRng } from '../engine/random';
import type { FeatureSet } from '../engine/embed/embed';
import { createEmbedApi } from './embed-api';

function sets(n: number, d: number, count: number): FeatureSet[] {
  const rng = createRng(1);
  return Array.from({ length: count }, (_, s) => ({ key: `m${s}`, n, dim: d, z: Float32Array.from({ length: n * d }, (_, i) => (i % d === (Math.floor(i / d) % 4) ? 4 : 0) + rng.normal()) }));
}

describe('in-process embedding api', () => {
  it('runs on the current backend, caches by feature set and options, and cancels', async () => {
    const api = createEmbedApi({ backend: null });
    expect(await api.init()).toBe('cpu'); // the unit tests' backend, untouched
    const s = sets(80, 8, 2);
    let reports = 0;
    const a = await api.embed(s, { nEpochs: 20 }, () => { reports++; });
    expect(reports).toBeGreaterThan(0);
    expect(await api.has(['m0', 'm1'], { nEpochs: 20 })).toBe(true);
    expect(await api.has(['m0', 'm1'], { nEpochs: 21 })).toBe(false);
    expect(await api.embed(s, { nEpochs: 20 })).toBe(a); // from the cache
    const running = api.embed(s, { nEpochs: 400 }, (p) => { if (p.stage === 'layout') void api.cancel(); });
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(await api.has(['m0', 'm1'], { nEpochs: 400 })).toBe(false);
  });
});
