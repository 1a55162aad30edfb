/**
 * Node only: merge a pool into a Hugging Face folder `<dir>/config.json` + `<dir>/model.safetensors`.
 * The weights are written to model.safetensors.partial and renamed when complete; config.json is
 * written only after that, so a failed or cancelled merge leaves no folder that looks valid.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeFileSink } from '../io/file-sink.node.js';
import type { MergeRequest } from './request';
import { mergeStream, type MergeResult } from './stream';
import type { MergeRunOptions } from './task-vector-merge';

export async function mergeToFolder(dir: string, req: MergeRequest, opts: MergeRunOptions = {}): Promise<MergeResult> {
  await mkdir(dir, { recursive: true });
  // A stale config.json from an earlier merge must not sit beside a failed one.
  await rm(join(dir, 'config.json'), { force: true });
  const result = await mergeStream(req, await nodeFileSink(join(dir, 'model.safetensors')), opts);
  await writeFile(join(dir, 'config.json'), result.configJson);
  return result;
}
