/**
 * A ByteSource over a URL (the demo zoo the built app serves, any same-origin file): the file is
 * fetched whole on open, as a Blob, and then read in slices like a picked file. Meant for small
 * files (the zoo's are < 1 MB each); large checkpoints are picked as local files instead.
 * A Blob rather than a plain byte array on purpose: reading a Blob slice is a real asynchronous
 * step, so a long evaluation over fetched images yields to the worker's message loop between
 * batches and a cancel message gets through (over in-memory bytes every await resolves at once).
 * `fetchImpl` is injectable so Node tests can serve files without a network.
 */
import { MergelabError } from '../errors';
import { type ByteSource, blobSource } from './byte-source';

export type FetchLike = (url: string) => Promise<{ ok: boolean; status: number; statusText?: string; blob(): Promise<Blob> }>;

/** Fetches `url`; a missing or unreachable file is a MergelabError naming `name` and the URL. */
export async function fetchSource(url: string, name: string, fetchImpl: FetchLike = fetch): Promise<ByteSource> {
  let res;
  try {
    res = await fetchImpl(url);
  } catch (e) {
    throw new MergelabError('fetch', `${name}: could not be fetched from ${url} (${(e as Error).message}).`, 'Check that the lab is served by `npm start` (or `vite preview`) and that the file exists.');
  }
  if (!res.ok) {
    throw new MergelabError('fetch', `${name}: the server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''} for ${url}.`, 'Check that the file exists under public/ (the built app serves it) and that the path in manifest.json is right.');
  }
  return blobSource(await res.blob(), name);
}
