/**
 * A merge held in memory for evaluation and download (the page's merges): one copy of the merged
 * values — scored as a ParamMap (in-memory.ts toParamMap), the same route as training and
 * `mergelab eval` — plus what model.safetensors records about it. The file itself is produced on
 * request from the same values (heldFileParts): the header, then each tensor's bytes as views of
 * the held values, byte for byte what mergeStream writes for the same request, with no second
 * copy of the weights and nothing decoded again.
 */
import { encodeHeader } from '../io/safetensors';
import { mergeInMemory, type InMemoryMerge } from './in-memory';
import { configJsonText, describeInputs, mergeMetadata, type InputRecord } from './metadata';
import { resolveRequest, type MergeRequest } from './request';
import { mergedFileSpecs } from './stream';
import type { MergeRunOptions } from './task-vector-merge';

export interface HeldMerge extends InMemoryMerge {
  /** The merged model's config.json text. */
  configJson: string;
  /** The `__metadata__` of its model.safetensors. */
  metadata: Record<string, string>;
  inputs: InputRecord[];
  /** Size of its model.safetensors. */
  bytesWritten: number;
}

export async function holdMerge(req: MergeRequest, opts: MergeRunOptions = {}): Promise<HeldMerge> {
  const r = resolveRequest(req);
  const inputs = await describeInputs(req.pretrained, req.experts);
  const m = await mergeInMemory(r, opts);
  const metadata = mergeMetadata(m.method, m.params, inputs);
  let bytesWritten = encodeHeader(mergedFileSpecs(m.specs), metadata).byteLength;
  for (const v of m.values.values()) bytesWritten += v.byteLength;
  return { ...m, configJson: configJsonText(m.config), metadata, inputs, bytesWritten };
}

/**
 * model.safetensors of a held merge as parts for one Blob: the header, then every tensor's F32
 * bytes in the pretrained model's order. The parts view the held values (platform byte order,
 * little-endian everywhere the engine runs, as writeSafetensors' F32 encoding): do not write to them.
 */
export function heldFileParts(h: HeldMerge): Uint8Array<ArrayBuffer>[] {
  const parts = [encodeHeader(mergedFileSpecs(h.specs), h.metadata)];
  for (const s of h.specs) {
    const v = h.values.get(s.name)!;
    parts.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  return parts as Uint8Array<ArrayBuffer>[];
}
