import { describe, expect, it } from 'vitest';
import { FeatureCache, type Features, featureBytes, featureKey } from './features';

const feats = (n: number, dim = 4): Features => ({ n, dim, z: new Float32Array(n * dim), labels: new Int32Array(n), cls: null });
const key = (model: string, task = 't') => featureKey({ model, task, source: 's', limit: 10, imageSize: 32, hiddenStates: false });

describe('FeatureCache', () => {
  it('evicts the least recently used entries beyond its byte budget', () => {
    const one = featureBytes(feats(10)); // 10·4·4 + 10·4 = 200 bytes
    expect(one).toBe(200);
    const c = new FeatureCache(3 * one);
    c.set(key('a'), feats(10));
    c.set(key('b'), feats(10));
    c.set(key('c'), feats(10));
    c.get(key('a')); // a is now the most recent
    c.set(key('d'), feats(10));
    expect([c.has(key('a')), c.has(key('b')), c.has(key('c')), c.has(key('d'))]).toEqual([true, false, true, true]);
    expect(c.bytes).toBe(3 * one);
    c.set(key('huge'), feats(1000)); // larger than the whole budget: not kept, nothing evicted
    expect([c.has(key('huge')), c.size]).toEqual([false, 3]);
    c.clear();
    expect([c.size, c.bytes]).toEqual([0, 0]);
  });

  it('computes a key once even when asked concurrently, and drops one model on request', async () => {
    const c = new FeatureCache();
    let calls = 0;
    const compute = async () => { calls++; await new Promise((r) => setTimeout(r, 5)); return feats(2); };
    const [x, y] = await Promise.all([c.getOrCompute(key('m', 't1'), compute), c.getOrCompute(key('m', 't1'), compute)]);
    expect(calls).toBe(1);
    expect(x).toBe(y);
    await c.getOrCompute(key('m', 't2'), compute);
    await c.getOrCompute(key('other'), compute);
    expect(calls).toBe(3);
    c.deleteModel('m');
    expect([c.has(key('m', 't1')), c.has(key('m', 't2')), c.has(key('other'))]).toEqual([false, false, true]);
    // A failed computation is not cached and can be retried.
    await expect(c.getOrCompute(key('bad'), async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await c.getOrCompute(key('bad'), compute)).toBeDefined();
  });
});
