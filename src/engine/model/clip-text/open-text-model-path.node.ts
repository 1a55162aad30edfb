/**
 * Node only: opens the text tower of a model folder on disk (a Hugging Face CLIPModel or
 * CLIPTextModelWithProjection folder, or an open_clip folder). Symlinked files (the Hugging Face
 * cache's snapshot folders link to blobs) are followed; files are read lazily.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { CheckpointError } from '../../errors';
import type { ByteSource } from '../../io/byte-source';
import { nodeFileSource } from '../../io/node-source.node.js';
import { openTextModel, type ClipTextModel } from './open-text-model';

const HINT = 'Give the folder of a CLIP model with a text tower: weights, config.json and tokenizer files (tokenizer.json, or vocab.json and merges.txt).';

/** The regular files of one folder (symlinks to files followed), as byte sources. */
export async function folderSources(path: string): Promise<ByteSource[]> {
  const full = resolve(path);
  const st = await stat(full).catch(() => null);
  if (!st) throw new CheckpointError(path, 'does not exist.', HINT);
  if (!st.isDirectory()) throw new CheckpointError(path, 'is not a folder: the text tower needs the model\'s folder (weights, config.json, tokenizer files).', HINT);
  const entries = await readdir(full, { withFileTypes: true });
  const files: ByteSource[] = [];
  for (const e of entries) {
    const p = join(full, e.name);
    if (e.isFile() || (e.isSymbolicLink() && (await stat(p).catch(() => null))?.isFile())) files.push(await nodeFileSource(p));
  }
  return files;
}

export async function openTextModelPath(path: string): Promise<ClipTextModel> {
  return openTextModel(basename(resolve(path)), await folderSources(path));
}
