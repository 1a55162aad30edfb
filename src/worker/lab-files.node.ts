/** Test support (Node): a folder on disk as the files a folder picker gives (paths start with the folder's name; symbolic links followed). */
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { walkFiles } from '../engine/io/walk.node.js';
import type { EngineFile } from './api';

export async function pickedFolder(dir: string, as = basename(dir)): Promise<EngineFile[]> {
  const files = await walkFiles(dir);
  return Promise.all(files.map(async (f) => ({ path: `${as}/${f.path}`, blob: await openAsBlob(f.full) })));
}
