/**
 * A suite served over HTTP (the demo zoo at /zoo/mini8/): fetches manifest.json, derives the files
 * it names — each model folder's config.json + model.safetensors, the heads file and every task's
 * data/<task>/test.safetensors — and fetches them, so no separate file list has to be kept in step
 * with the zoo. Suites served this way store their test data as safetensors (the zoo does);
 * ImageFolder and IDX data are for suites picked from disk. Train splits are not fetched (the lab
 * evaluates on test splits).
 */
import { fetchSource, type FetchLike } from '../io/fetch-source';
import { type ParsedManifest, parseManifest } from './manifest';
import type { SuiteFiles } from './suite';

/** Paths (relative to the suite folder) that a served suite must provide, manifest.json first. */
export function servedSuitePaths(m: ParsedManifest): string[] {
  const models = [m.pretrained, ...m.tasks.map((t) => m.experts[t.name])];
  return [
    'manifest.json',
    ...[...new Set(models)].flatMap((dir) => [`${dir}/config.json`, `${dir}/model.safetensors`]),
    ...(m.heads ? [m.heads] : []),
    ...m.tasks.map((t) => `${m.data[t.name] ?? `data/${t.name}`}/test.safetensors`),
  ];
}

export interface FetchSuiteOptions {
  fetchImpl?: FetchLike;
  /** After each file: files done, files in all. */
  onProgress?: (done: number, total: number) => void;
}

/** Fetches the suite at `baseUrl` (ending in "/"), e.g. "http://127.0.0.1:5173/zoo/mini8/". */
export async function fetchSuiteFiles(baseUrl: string, opts: FetchSuiteOptions = {}): Promise<SuiteFiles> {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const fetchImpl = opts.fetchImpl ?? fetch;
  const manifest = await fetchSource(`${base}manifest.json`, 'manifest.json', fetchImpl);
  const parsed = parseManifest(new TextDecoder().decode(await manifest.read(0, manifest.size)), `${base}manifest.json`);
  const paths = servedSuitePaths(parsed);
  const files = new Map([['manifest.json', manifest]]);
  let done = 1;
  opts.onProgress?.(done, paths.length);
  // A few at a time: the zoo is ~20 files of < 1 MB.
  const rest = paths.slice(1);
  for (let i = 0; i < rest.length; i += 4) {
    const batch = rest.slice(i, i + 4);
    const sources = await Promise.all(batch.map((p) => fetchSource(`${base}${p}`, p, fetchImpl)));
    batch.forEach((p, k) => files.set(p, sources[k]));
    done += batch.length;
    opts.onProgress?.(done, paths.length);
  }
  return files;
}
