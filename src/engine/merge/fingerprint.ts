/**
 * A cheap content fingerprint of a checkpoint, recorded in a merged model's metadata so its inputs
 * can be recognised later. It is NOT a cryptographic hash of the file: it hashes (two 32-bit
 * FNV-style lanes, 64 bits) the stored file size, the config, every canonical tensor's name and
 * shape, and the values of every tensor of at most 65,536 entries (biases, LayerNorms, class and
 * position embeddings; the whole model for tiny ones). It needs to be known before the merged
 * file's header is written, so it reads only those small tensors (~0.5 MB for ViT-B/32).
 * Two checkpoints that differ only inside large weight matrices get the same fingerprint.
 * Text is hashed by char codes (hash.ts): the fingerprints are stored in merged models' metadata.
 */
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { Hash64 } from '../hash';
import { numel } from '../io/safetensors';

export const FINGERPRINT_KIND = 'mergelab-small-tensors-v1: 64-bit FNV-style hash of file size, config, every canonical tensor name and shape, and the values of tensors with at most 65536 entries (not a cryptographic hash; large weight matrices are not read)';

const SMALL = 65_536;

export async function checkpointFingerprint(ck: Checkpoint): Promise<string> {
  const h = new Hash64().charCodes(`${ck.fileBytes}|${JSON.stringify(ck.config)}`);
  for (const spec of ck.params) {
    h.charCodes(`${spec.name}:${spec.shape.join('x')}`);
    if (numel(spec.shape) <= SMALL) {
      const v = await ck.readParam(spec.name);
      h.words(new Uint32Array(v.buffer, v.byteOffset, v.length));
    }
  }
  return h.hex();
}
