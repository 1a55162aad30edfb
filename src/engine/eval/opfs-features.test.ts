import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { openSuiteDir } from '../data/suite-dir.node';
import { SuiteEvaluator } from './evaluate';
import { type Features, featureKey } from './features';
import { createRng } from '../random';
import { type FeatureStore, PersistentFeatureCache, decodeFeatures, encodeFeatures, featureFileName } from './opfs-features';
import { CacheError } from '../io/opfs-index';

const SUITE = fileURLToPath(new URL('../../../e2e/fixtures/suite-tiny/', import.meta.url));

function randomFeatures(n: number, dim: number, layers: number, clsDim: number, seed: number): Features {
  const rng = createRng(seed);
  const f32 = (len: number) => Float32Array.from({ length: len }, () => rng.normal());
  return { n, dim, z: f32(n * dim), labels: Int32Array.from({ length: n }, (_, i) => (i * 7) % 5), cls: layers ? Array.from({ length: layers }, () => f32(n * clsDim)) : null };
}

const refKey = (task: string) => featureKey({ model: '0123456789abcdef', task, source: `data/${task}/test.safetensors`, limit: 4, imageSize: 32, hiddenStates: false });

/** A store that keeps files in a Map (the OPFS one is checked in Chromium, e2e/cache.spec.ts). */
class MapStore implements FeatureStore {
  readonly files = new Map<string, Uint8Array>();
  failSaves = false;
  async load(name: string) { return this.files.get(name)?.slice() ?? null; }
  async save(name: string, bytes: Uint8Array) {
    if (this.failSaves) throw new Error('QuotaExceededError');
    this.files.set(name, bytes.slice());
  }
}

describe('feature files', () => {
  it('read back bit for bit, with and without CLS tokens, for any header length', () => {
    for (const [n, dim, layers, clsDim, task] of [[5, 3, 0, 0, 'a'], [4, 32, 3, 64, 'longer task name é'], [0, 8, 2, 16, 'empty']] as const) {
      const f = randomFeatures(n, dim, layers, clsDim, n + dim);
      const key = refKey(task);
      const back = decodeFeatures(encodeFeatures(key, f), key)!;
      expect(back.n).toBe(n);
      expect(back.dim).toBe(dim);
      expect(Array.from(back.z)).toEqual(Array.from(f.z));
      expect(Array.from(back.labels)).toEqual(Array.from(f.labels));
      expect(back.cls?.map((c) => Array.from(c)) ?? null).toEqual(f.cls?.map((c) => Array.from(c)) ?? null);
    }
  });

  it('are a miss for another key and a CacheError when damaged', () => {
    const f = randomFeatures(3, 4, 1, 2, 1);
    const bytes = encodeFeatures(refKey('a'), f);
    expect(decodeFeatures(bytes, refKey('b'))).toBeNull();
    expect(() => decodeFeatures(bytes.subarray(0, bytes.length - 4), refKey('a'))).toThrow(CacheError);
    expect(() => decodeFeatures(new Uint8Array(16), refKey('a'))).toThrow(/damaged/);
    expect(featureFileName(refKey('a'))).toMatch(/^[0-9a-f]{16}\.mlf$/);
    expect(featureFileName(refKey('a'))).not.toBe(featureFileName(refKey('b')));
  });
});

describe('PersistentFeatureCache', () => {
  it('a second cache on the same store (a reload) computes no reference features and scores the same', async () => {
    const store = new MapStore();
    const suite = await openSuiteDir(SUITE);
    const first = new PersistentFeatureCache();
    await first.attach(store);
    const before = tf.memory().numTensors;
    const refs = await new SuiteEvaluator(suite, first).references({ limit: 8 });
    expect(first.written).toBe(6); // pretrained on 3 tasks + 3 experts on their own
    expect(store.files.size).toBe(6);

    const suite2 = await openSuiteDir(SUITE);
    const second = new PersistentFeatureCache();
    await second.attach(store);
    let computed = 0;
    const ev = new SuiteEvaluator(suite2, second);
    const refs2 = await ev.references({ limit: 8, onProgress: () => { computed++; } });
    expect(refs2).toEqual(refs);
    expect(computed).toBe(0);
    expect(second.loaded).toBe(6);
    expect(second.written).toBe(0);
    // Another image count is another key: computed, then stored.
    await ev.references({ limit: 4 });
    expect(store.files.size).toBe(12);
    ev.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('writes reference features computed before attach, never a merge\'s, and survives a failing store', async () => {
    const store = new MapStore();
    const cache = new PersistentFeatureCache();
    const f = randomFeatures(2, 3, 0, 0, 3);
    const merged = featureKey({ model: JSON.stringify(['ties', {}, ['a']]), task: 't', source: 's', limit: 2, imageSize: 32, hiddenStates: false });
    await cache.getOrCompute(refKey('t'), async () => f);
    await cache.getOrCompute(merged, async () => f);
    await cache.attach(store);
    expect([...store.files.keys()]).toEqual([featureFileName(refKey('t'))]);

    store.failSaves = true;
    const g = randomFeatures(2, 3, 0, 0, 4);
    await expect(cache.getOrCompute(refKey('u'), async () => g)).resolves.toBe(g);
    expect(cache.storeErrors).toBe(1);
    store.failSaves = false;
    store.files.set(featureFileName(refKey('v')), new Uint8Array([1, 2, 3])); // damaged: recomputed and rewritten
    await expect(cache.getOrCompute(refKey('v'), async () => g)).resolves.toBe(g);
    expect(cache.storeErrors).toBe(2);
    expect(decodeFeatures(store.files.get(featureFileName(refKey('v')))!, refKey('v'))!.n).toBe(2);
  });
});
