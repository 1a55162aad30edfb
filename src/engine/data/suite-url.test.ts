/**
 * Served suites: the file list derived from a manifest, fetching the shipped zoo through an
 * injected fetch over public/ (what the built app serves), and the errors for a missing file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../io/fetch-source';
import { fetchSource } from '../io/fetch-source';
import { parseManifest } from './manifest';
import { openSuite } from './suite';
import { fetchSuiteFiles, servedSuitePaths } from './suite-url';

const PUBLIC = fileURLToPath(new URL('../../../public/', import.meta.url));
const BASE = 'http://lab.test/';

/** fetch over public/, as `vite preview` serves it; records the URLs asked for. */
function publicFetch(asked: string[] = []): FetchLike {
  return async (url) => {
    asked.push(url);
    const path = url.slice(BASE.length);
    try {
      const bytes = await readFile(join(PUBLIC, path));
      return { ok: true, status: 200, blob: async () => new Blob([bytes]) };
    } catch {
      return { ok: false, status: 404, statusText: 'Not Found', blob: async () => new Blob([]) };
    }
  };
}

describe('served suites', () => {
  it('derives every file a suite needs from its manifest', () => {
    const m = parseManifest(JSON.stringify({
      name: 's', image_size: 32, tasks: [{ name: 'a', classes: ['x'] }, { name: 'b', classes: ['y'] }],
      pretrained: 'models/pre', experts: { a: 'models/a', b: 'models/pre' }, heads: 'h.safetensors',
    }));
    expect(servedSuitePaths(m)).toEqual([
      'manifest.json', 'models/pre/config.json', 'models/pre/model.safetensors', 'models/a/config.json', 'models/a/model.safetensors',
      'h.safetensors', 'data/a/test.safetensors', 'data/b/test.safetensors',
    ]);
  });

  it('fetches the shipped zoo and opens it as a suite', async () => {
    const asked: string[] = [];
    const progress: number[] = [];
    const files = await fetchSuiteFiles(`${BASE}zoo/mini8`, { fetchImpl: publicFetch(asked), onProgress: (d) => progress.push(d) });
    expect(files.size).toBe(1 + 9 * 2 + 1 + 8);
    expect(asked[0]).toBe(`${BASE}zoo/mini8/manifest.json`);
    expect(asked.some((u) => u.endsWith('train.safetensors'))).toBe(false);
    expect(progress.at(-1)).toBe(files.size);
    const suite = await openSuite(files, { root: 'mini8' });
    expect(suite.manifest.tasks).toHaveLength(8);
    expect((await suite.images('signs')).count).toBe(300);
  });

  it('names the missing file and the status', async () => {
    const err = await fetchSource(`${BASE}zoo/nope.json`, 'nope.json', publicFetch()).catch((e) => e);
    expect(err.code).toBe('fetch');
    expect(err.message).toContain('nope.json');
    expect(err.message).toContain('404');
    const down: FetchLike = async () => { throw new TypeError('Failed to fetch'); };
    const err2 = await fetchSuiteFiles(`${BASE}zoo/mini8/`, { fetchImpl: down }).catch((e) => e);
    expect(err2.message).toContain('manifest.json');
    expect(err2.message).toContain('Failed to fetch');
    expect(err2.hint).not.toBe('');
  });
});
