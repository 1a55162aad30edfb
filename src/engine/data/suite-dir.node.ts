/**
 * Node only: a suite folder on disk → SuiteFiles (a recursive walk that follows symbolic links, as
 * the Hugging Face cache makes them) and openSuiteDir with the Node image decoder.
 */
import { nodeFileSource } from '../io/node-source.node.js';
import { LinkError, walkFiles } from '../io/walk.node.js';
import { SuiteError } from './errors';
import { nodeImageDecoder } from './png-decoder.node.js';
import { type OpenSuiteOptions, type Suite, type SuiteFiles, openSuite } from './suite';

export async function readSuiteDir(dir: string): Promise<SuiteFiles> {
  let entries;
  try {
    entries = await walkFiles(dir);
  } catch (e) {
    if (e instanceof LinkError) throw e; // a link inside the suite: the error names it
    throw new SuiteError(dir, `cannot be read (${(e as Error).message}).`, 'Give the path of a suite folder (the one containing manifest.json).');
  }
  const files = new Map();
  for (const e of entries) files.set(e.path, await nodeFileSource(e.full));
  return files;
}

export async function openSuiteDir(dir: string, opts: Omit<OpenSuiteOptions, 'root' | 'decoder'> = {}): Promise<Suite> {
  return openSuite(await readSuiteDir(dir), { ...opts, root: dir, decoder: nodeImageDecoder });
}
