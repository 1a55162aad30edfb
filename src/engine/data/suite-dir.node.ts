/** Node only: a suite folder on disk → SuiteFiles (a recursive walk) and openSuiteDir with the Node image decoder. */
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { nodeFileSource } from '../io/node-source.node.js';
import { SuiteError } from './errors';
import { nodeImageDecoder } from './png-decoder.node.js';
import { type Suite, type SuiteFiles, openSuite } from './suite';

export async function readSuiteDir(dir: string): Promise<SuiteFiles> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (e) {
    throw new SuiteError(dir, `cannot be read (${(e as Error).message}).`, 'Give the path of a suite folder (the one containing manifest.json).');
  }
  const files = new Map();
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    files.set(relative(dir, full).split(sep).join('/'), await nodeFileSource(full));
  }
  return files;
}

export async function openSuiteDir(dir: string): Promise<Suite> {
  return openSuite(await readSuiteDir(dir), { root: dir, decoder: nodeImageDecoder });
}
