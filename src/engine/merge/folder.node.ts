/**
 * Node only: merge a pool into a Hugging Face folder `<dir>/config.json` + `<dir>/model.safetensors`.
 * Everything is checked before the output is touched (the request and pool, and that `dir` can be
 * a folder on a disk); the weights go to model.safetensors.partial and config.json to
 * config.json.partial, both renamed only when the merge succeeded. A failed or cancelled merge
 * removes its partial files and leaves an earlier merge in `dir` as it was.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeFileSink } from './file-sink.node.js';
import { checkOutputDir, describeFsError } from '../io/fs-guard.node.js';
import { resolveRequest, type MergeRequest } from './request';
import { mergeStream, type MergeResult } from './stream';
import type { MergeRunOptions } from './task-vector-merge';

export async function mergeToFolder(dir: string, req: MergeRequest, opts: MergeRunOptions = {}): Promise<MergeResult> {
  const resolved = resolveRequest(req); // throws on a bad method, parameter or pool before anything is written
  await checkOutputDir(dir);
  const configPartial = join(dir, 'config.json.partial');
  try {
    await mkdir(dir, { recursive: true });
    const result = await mergeStream(resolved, await nodeFileSink(join(dir, 'model.safetensors')), opts);
    await writeFile(configPartial, result.configJson);
    await rename(configPartial, join(dir, 'config.json'));
    return result;
  } catch (e) {
    await rm(configPartial, { force: true }).catch(() => {});
    throw describeFsError(e, dir);
  }
}
