// Hostile and broken input to the readers: deep nesting, attacker-sized values, oversized side
// files and headers. Each must end as the reader's typed error with a short message, quickly.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CheckpointError, MergelabError, SafetensorsError } from '../errors';
import { parseManifest } from '../data/manifest';
import { SuiteError } from '../data/errors';
import { parseCoefficientsText } from '../trained/coefficients-json';
import { openCheckpoint } from '../model/clip-vit/open-checkpoint';
import { fixturePath } from '../testing/fixtures.node';
import { MAX_JSON_BYTES, clip, jsonTokensOver, listed, quote } from './bounded';
import { type ByteSource, memorySource } from './byte-source';
import { MAX_TENSORS, openSafetensors } from './safetensors';
import { openSharded } from './sharded';

const enc = (s: string) => new TextEncoder().encode(s);
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

/** A safetensors file whose header is exactly `json`. */
function stFile(json: string, name = 'x.safetensors', data = 0): ByteSource {
  const body = enc(json);
  const bytes = new Uint8Array(8 + body.length + data);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(body.length), true);
  bytes.set(body, 8);
  return memorySource(bytes, name);
}

/** A source that claims `size` bytes and fails the test if more than `maxRead` are read. */
function hugeSource(name: string, size: number, maxRead = 1024): ByteSource {
  return { name, size, async read(_o, length) { if (length > maxRead) throw new Error(`read ${length} bytes of ${name}`); return new Uint8Array(length); } };
}

async function errorOf(p: Promise<unknown>): Promise<MergelabError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MergelabError);
    return e as MergelabError;
  }
  throw new Error('expected an error');
}

describe('quote, clip, listed', () => {
  it('quote escapes, cuts long strings and stops at depth 3 whatever the nesting', () => {
    expect(quote('ab"c\n')).toBe('"ab\\"c\\n"');
    expect(quote('x'.repeat(1000), 10)).toBe(`"${'x'.repeat(8)}…"`);
    expect(quote([1, [2, [3, [4, [5]]]]])).toBe('[1, [2, [3, […]]]]');
    expect(quote({ a: { b: null } })).toBe('{"a": {"b": null}}');
    expect(quote(JSON.parse(deep(100_000)))).toBe('[[[[…]]]]');
    expect(quote(Array.from({ length: 1e5 }, (_, i) => i), 20).length).toBeLessThanOrEqual(21);
    expect(quote(Infinity)).toBe('Infinity');
    expect(quote(undefined)).toBe('undefined');
  });

  it('clip and listed bound names and lists', () => {
    expect(clip('abcdef', 3)).toBe('abc…');
    expect(clip('abc', 3)).toBe('abc');
    expect(listed(['a', 'b', 'c'], 2)).toBe('a, b, … and 1 more');
    expect(listed(['a', 'b'], 2)).toBe('a, b');
  });

  it('jsonTokensOver counts structure outside strings only', () => {
    expect(jsonTokensOver(enc('{"a":[1,2],"b":3}'), 5)).toBe(true); // { : [ , , : = 6
    expect(jsonTokensOver(enc('{"a":[1,2],"b":3}'), 6)).toBe(false);
    expect(jsonTokensOver(enc('"{[:,{[:,\\"{[:,"'), 0)).toBe(false);
  });
});

describe('safetensors header', () => {
  it('deep nesting in dtype, shape or offsets is a short SafetensorsError, not a RangeError', async () => {
    const d = deep(200_000);
    for (const entry of [
      `{"dtype":${d},"shape":[1],"data_offsets":[0,4]}`,
      `{"dtype":"F32","shape":${d},"data_offsets":[0,4]}`,
      `{"dtype":"F32","shape":[1],"data_offsets":${d}}`,
    ]) {
      const e = await errorOf(openSafetensors(stFile(`{"t":${entry}}`, 'x.safetensors', 4)));
      expect(e).toBeInstanceOf(SafetensorsError);
      expect(e.message.length).toBeLessThan(300);
      expect(e.message).toMatch(/^x\.safetensors: tensor "t" has (unknown dtype|an invalid shape|invalid data_offsets) \[\[\[\[…\]\]\]\]/);
    }
  });

  it('an 11 MB tensor name or dtype is quoted as a short excerpt', async () => {
    const name = 'n'.repeat(11_000_000);
    const e = await errorOf(openSafetensors(stFile(`{"${name}":{"dtype":"${'D'.repeat(1_000_000)}","shape":[1],"data_offsets":[0,4]}}`, 'x.safetensors', 4)));
    expect(e.message.length).toBeLessThan(300);
    expect(e.message).toContain(`"${'n'.repeat(58)}…"`);
  });

  it(`refuses more than ${MAX_TENSORS} tensors before parsing them (a near-cap header stays fast)`, async () => {
    const parts: string[] = [];
    for (let i = 0; i < 400_000; i++) parts.push(`"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
    const file = stFile(`{${parts.join(',')}}`);
    const t0 = performance.now();
    const e = await errorOf(openSafetensors(file));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(e.message).toMatch(/at most 16384 tensors per file/);
    // Just over the count (few tokens each) is caught after parsing, by the entry count.
    const few = Array.from({ length: MAX_TENSORS + 1 }, (_, i) => `"t${i}":0`).join(',');
    expect((await errorOf(openSafetensors(stFile(`{${few}}`)))).message).toMatch(/lists 16385 tensors/);
  });

  it('an exact-cap file of valid tensors still opens', async () => {
    const parts = Array.from({ length: 2000 }, (_, i) => `"t${i}":{"dtype":"F32","shape":[1],"data_offsets":[${4 * i},${4 * i + 4}]}`);
    const store = await openSafetensors(stFile(`{${parts.join(',')}}`, 'ok.safetensors', 8000));
    expect(store.tensors.size).toBe(2000);
  });
});

describe('JSON side files', () => {
  const weights = () => readFileSync(fixturePath('tiny-a', 'model.safetensors'));
  const files = (...extra: ByteSource[]) => [memorySource(weights(), 'model.safetensors'), ...extra];

  it('config.json and the shard index over 16 MiB are refused without reading them', async () => {
    const big = MAX_JSON_BYTES + 1;
    const e = await errorOf(openCheckpoint('m', files(hugeSource('config.json', 4 * 2 ** 30))));
    expect(e).toBeInstanceOf(CheckpointError);
    expect(e.message).toMatch(/config\.json: is 4294967296 bytes, more than the 16777216-byte limit/);
    const i = await errorOf(openSharded(hugeSource('model.safetensors.index.json', big), []));
    expect(i).toBeInstanceOf(SafetensorsError);
    expect(i.message).toMatch(/is 16777217 bytes, more than the 16777216-byte limit/);
  });

  it('deep nesting in an index\'s metadata or weight_map stays a typed error or a short note', async () => {
    const meta = enc(`{"metadata":{"x":${deep(100_000)}},"weight_map":{}}`);
    const store = await openSharded(memorySource(meta, 'i.json'), []);
    expect(store.metadata.x).toBe('[[[[…]]]]');
    const wm = enc(`{"weight_map":{"a":${deep(100_000)}}}`);
    expect((await errorOf(openSharded(memorySource(wm, 'i.json'), []))).message).toMatch(/not a string for: a\./);
  });

  it('config.json values that are deep, huge or absurd are named briefly; absurd sizes are refused', async () => {
    const cfg = (o: object | string) => memorySource(enc(typeof o === 'string' ? o : JSON.stringify(o)), 'config.json');
    const base = JSON.parse(readFileSync(fixturePath('tiny-a', 'config.json'), 'utf8'));
    let e = await errorOf(openCheckpoint('m', files(cfg(`{"model_type":${deep(100_000)}}`))));
    expect(e.message).toMatch(/model_type \[\[\[\[…\]\]\]\], not a CLIP model/);
    e = await errorOf(openCheckpoint('m', files(cfg({ ...base, hidden_act: 'g'.repeat(5_000_000) }))));
    expect(e.message.length).toBeLessThan(400);
    const t0 = performance.now();
    e = await errorOf(openCheckpoint('m', files(cfg({ ...base, num_hidden_layers: 100_000_000, hidden_size: 1e9 }))));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(e.message).toMatch(/"hidden_size" 1000000000 is larger than 16384[\s\S]*"num_hidden_layers" 100000000 is larger than 512/);
  });
});

describe('manifest and coefficients', () => {
  it('a manifest with deep or huge values lists short problems', () => {
    const m = (o: string) => { try { parseManifest(o); } catch (e) { return e as SuiteError; } throw new Error('no error'); };
    const e = m(`{"name":"s","image_size":8,"pretrained":"p","heads":"h","tasks":[{"name":"${'t'.repeat(1_000_000)}","classes":["a"]}],"experts":{"${'x'.repeat(1_000_000)}":${deep(50_000)}}}`);
    expect(e).toBeInstanceOf(SuiteError);
    expect(e.message.length).toBeLessThan(600);
    expect(e.message).toMatch(/tasks\[0\]\.name must be a non-empty string of at most 200 characters/);
    expect(e.message).toMatch(/"experts" has "x{58}…", which is not a task/);
    const many = m(JSON.stringify({ name: 's', image_size: 8, pretrained: 'p', heads: 'h', tasks: Array.from({ length: 500 }, () => ({ name: 'dup', classes: ['a'] })), experts: {} }));
    expect(many.message).toMatch(/^manifest\.json: 500 problems:[\s\S]*… and 470 more$/);
    // A task named like an Object.prototype member has no expert unless the manifest gives one.
    const proto = m(JSON.stringify({ name: 's', image_size: 8, pretrained: 'p', heads: 'h', tasks: [{ name: 'constructor', classes: ['a'] }], experts: {} }));
    expect(proto.message).toMatch(/task "constructor" has no expert/);
  });

  it('coefficients with deep nesting or huge task lists are a CoefficientsError', () => {
    const tasks = ['a', 'b'];
    for (const text of [`{"lambda":[[0.1],[0.2]],"tasks":${deep(100_000)}}`, `{"lambda":[[0.1],[0.2]],"granularity":${deep(100_000)}}`, `{"lambda":[[0.1],[0.2]],"format":${deep(100_000)}}`]) {
      let err: unknown;
      try { parseCoefficientsText(text, tasks, ['w']); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(MergelabError);
      expect((err as Error).message.length).toBeLessThan(300);
    }
  });
});

describe('whole-file reads of data are capped', () => {
  it('an IDX file over 1 GiB and an image file over 256 MiB are refused without reading them', async () => {
    const { idxImages, encodeIdxU8 } = await import('../data/idx');
    const { imageFolderImages } = await import('../data/imagefolder');
    const labels = memorySource(encodeIdxU8([1], Uint8Array.from([0])), 'labels');
    const e = await errorOf(idxImages('t', hugeSource('images-idx3-ubyte', 2 ** 31), labels, 2));
    expect(e.message).toMatch(/images-idx3-ubyte: is 2147483648 bytes, more than the 1073741824 accepted/);
    const task = imageFolderImages('t', 'data/t/test', [{ path: 'a/big.png', source: hugeSource('big.png', 2 ** 30) }], ['a'], { decode: () => Promise.reject(new Error('never called')) });
    expect((await errorOf(task.pixels(0, 1, 8))).message).toMatch(/big\.png: is 1073741824 bytes, more than the 268435456 accepted/);
  });
});
