/** Test support (Node): a folder on disk as the files a folder picker gives (paths start with the folder's name). */
import { openAsBlob } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { EngineFile } from './api';

export async function pickedFolder(dir: string, as = basename(dir)): Promise<EngineFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
  return Promise.all(files.map(async (f) => ({ path: `${as}/${relative(dir, f).split(sep).join('/')}`, blob: await openAsBlob(f) })));
}
