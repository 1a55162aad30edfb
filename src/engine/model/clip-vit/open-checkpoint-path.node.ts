/**
 * Node only: opens a checkpoint from a path on disk — a folder (config.json, *.safetensors, an
 * index + shards) or a single .safetensors file. Files are read lazily through nodeFileSource;
 * symbolic links (a Hugging Face cache snapshot folder) are followed.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { CheckpointError } from '../../errors';
import { openCheckpoint, type RecognisedCheckpoint } from './open-checkpoint';
import { nodeFileSource } from '../../io/node-source.node.js';
import { walkFiles } from '../../io/walk.node.js';

export async function openCheckpointPath(path: string): Promise<RecognisedCheckpoint> {
  const full = resolve(path);
  const st = await stat(full).catch(() => null);
  if (!st) throw new CheckpointError(path, 'does not exist.', 'Give the path of a checkpoint folder (config.json + model.safetensors or pytorch_model.bin) or of a weights file.');
  if (st.isFile()) return openCheckpoint(basename(full), [await nodeFileSource(full)]);
  if (!st.isDirectory()) throw new CheckpointError(path, 'is neither a file nor a folder (a device, pipe or socket).', 'Give the path of a checkpoint folder (config.json + model.safetensors) or of a .safetensors file.');
  const files = await Promise.all((await walkFiles(full, { recursive: false })).map((f) => nodeFileSource(f.full)));
  return openCheckpoint(basename(full), files);
}
