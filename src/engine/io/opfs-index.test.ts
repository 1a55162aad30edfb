import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { memorySource } from './byte-source';
import {
  CacheError, type CacheEntry, type CachedFile, ContentHasher, HASH_CHUNK, QuotaError, emptyIndex, entryHash, parseIndex, sourceHash, suiteHash, withEntry, withoutEntry,
} from './opfs-index';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest();

async function hashOf(bytes: Uint8Array): Promise<string> {
  const h = new ContentHasher();
  for (let o = 0; o < bytes.length || o === 0; o += HASH_CHUNK) {
    await h.chunk(bytes.subarray(o, o + HASH_CHUNK));
    if (bytes.length === 0) break;
  }
  return h.hex();
}

describe('content hash', () => {
  it('is SHA-256 of the 8 MiB chunks\' SHA-256 digests (checked against node:crypto)', async () => {
    const rng = createRng(1);
    const bytes = new Uint8Array(2 * HASH_CHUNK + 5);
    for (let i = 0; i < bytes.length; i += 997) bytes[i] = Math.floor(rng.next() * 256);
    const chunks = [bytes.subarray(0, HASH_CHUNK), bytes.subarray(HASH_CHUNK, 2 * HASH_CHUNK), bytes.subarray(2 * HASH_CHUNK)];
    const want = sha(Buffer.concat(chunks.map(sha))).toString('hex');
    expect(await hashOf(bytes)).toBe(want);
    const h = new ContentHasher();
    for (const c of chunks) await h.chunk(c);
    expect(h.bytes).toBe(bytes.length);
  });

  it('changes with any single byte, and hashes an empty file as one empty chunk', async () => {
    const a = new Uint8Array(HASH_CHUNK + 3);
    const base = await hashOf(a);
    for (const at of [0, HASH_CHUNK - 1, HASH_CHUNK, HASH_CHUNK + 2]) {
      const b = a.slice();
      b[at] = 1;
      expect(await hashOf(b), `byte ${at}`).not.toBe(base);
    }
    expect(await new ContentHasher().hex()).toBe(sha(sha(new Uint8Array(0))).toString('hex'));
  });

  it('of a ByteSource equals the chunked hash; a served suite\'s key equals the entry key of the same files', async () => {
    const bytes = new Uint8Array(HASH_CHUNK + 17).map((_, i) => i % 251);
    const h = await sourceHash(memorySource(bytes));
    expect(h).toBe(await hashOf(bytes));
    expect(await sourceHash(memorySource(new Uint8Array(0)))).toBe(await new ContentHasher().hex());
    const files = new Map([['manifest.json', memorySource(new Uint8Array([1, 2]))], ['heads.safetensors', memorySource(bytes)]]);
    const want = await entryHash('suite', [
      { path: 'heads.safetensors', bytes: bytes.length, hash: h },
      { path: 'manifest.json', bytes: 2, hash: await hashOf(new Uint8Array([1, 2])) },
    ]);
    expect(await suiteHash(files)).toBe(want);
  });

  it('refuses chunks after a short one and chunks over 8 MiB (a caller bug, not a wrong hash)', async () => {
    const h = new ContentHasher();
    await h.chunk(new Uint8Array(10));
    await expect(h.chunk(new Uint8Array(10))).rejects.toBeInstanceOf(CacheError);
    await expect(new ContentHasher().chunk(new Uint8Array(HASH_CHUNK + 1))).rejects.toThrow(/larger than/);
  });
});

const file = (path: string, hash: string, bytes = 10): CachedFile => ({ path, hash, bytes });
const entry = (hash: string, files: CachedFile[], kind: CacheEntry['kind'] = 'checkpoint'): CacheEntry =>
  ({ hash, kind, name: hash, files, bytes: files.reduce((s, f) => s + f.bytes, 0), added: '2026-12-01T10:00:00.000Z' });

describe('entry keys', () => {
  it('depend on the kind and every (path, hash), not on the order of the files', async () => {
    const files = [file('a/config.json', '11'), file('a/model.safetensors', '22')];
    const k = await entryHash('checkpoint', files);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(await entryHash('checkpoint', [...files].reverse())).toBe(k);
    expect(await entryHash('suite', files)).not.toBe(k);
    expect(await entryHash('checkpoint', [files[0], file('a/model.safetensors', '23')])).not.toBe(k);
    expect(await entryHash('checkpoint', [files[0], file('b/model.safetensors', '22')])).not.toBe(k);
  });
});

describe('cache index', () => {
  it('reads what it wrote, starts empty, and calls a damaged or newer index a CacheError', () => {
    expect(parseIndex(null)).toEqual(emptyIndex());
    const idx = withEntry(emptyIndex(), entry('e1', [file('m.safetensors', 'f1')]));
    expect(parseIndex(JSON.stringify(idx))).toEqual(idx);
    for (const bad of ['{', '{"version": 2, "entries": []}', '{"version": 1, "entries": [{"hash": "x"}]}', '[]']) {
      let err: unknown;
      try { parseIndex(bad); } catch (e) { err = e; }
      expect(err, bad).toBeInstanceOf(CacheError);
      expect((err as CacheError).code).toBe('cache');
      expect((err as CacheError).hint).toMatch(/Clear the cache/);
    }
  });

  it('keeps one entry per hash, newest first', () => {
    let idx = withEntry(emptyIndex(), entry('e1', [file('x', 'f1')]));
    idx = withEntry(idx, entry('e2', [file('y', 'f2')]));
    idx = withEntry(idx, { ...entry('e1', [file('x', 'f1')]), name: 'again' });
    expect(idx.entries.map((e) => [e.hash, e.name])).toEqual([['e1', 'again'], ['e2', 'e2']]);
  });

  it('removing an entry frees exactly the stored files no other entry uses (random indexes)', () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 50; trial++) {
      let idx = emptyIndex();
      const n = 1 + Math.floor(rng.next() * 5);
      for (let e = 0; e < n; e++) {
        const files = Array.from({ length: 1 + Math.floor(rng.next() * 4) }, (_, i) => file(`p${i}`, `h${Math.floor(rng.next() * 6)}`));
        idx = withEntry(idx, entry(`e${e}`, files));
      }
      const victim = idx.entries[Math.floor(rng.next() * idx.entries.length)];
      const { index, unused } = withoutEntry(idx, victim.hash);
      const still = new Set(index.entries.flatMap((e) => e.files.map((f) => f.hash)));
      expect(index.entries.some((e) => e.hash === victim.hash)).toBe(false);
      expect(unused.every((h) => !still.has(h))).toBe(true);
      expect(new Set(unused)).toEqual(new Set(victim.files.map((f) => f.hash).filter((h) => !still.has(h))));
    }
    expect(withoutEntry(emptyIndex(), 'none').unused).toEqual([]);
  });
});

describe('QuotaError', () => {
  it('says how much is free and needed, and that nothing is lost', () => {
    const e = new QuotaError('suite "tiny"', 1.5 * 2 ** 30, 3.25 * 2 ** 30);
    expect(e.code).toBe('quota');
    expect(e.message).toBe('Not enough space to cache suite "tiny": 1.5 GiB free, 3.3 GiB needed.');
    expect(e.hint).toMatch(/keeps working/);
    expect(new QuotaError('x', 0, 512).message).toContain('0 B free, 512 B needed');
  });
});
