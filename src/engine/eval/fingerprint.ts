/**
 * Content fingerprints for cache keys: the 64-bit non-cryptographic hash of hash.ts (text as
 * UTF-8, the form the OPFS input cache has stored) of a checkpoint's config and every parameter's
 * values, in canonical order.
 * Two checkpoints get the same fingerprint only if their weights are bit-identical (or by a
 * ~2^-64 accident). Reading every tensor costs about one load of the model; it is memoised per
 * Checkpoint object.
 */
import { Hash64 } from '../hash';
import type { Checkpoint } from '../model/clip-vit/checkpoint';

const memo = new WeakMap<Checkpoint, Promise<string>>();

/** The fingerprint already computed (or being computed, or seeded) for `ck`; never starts a read. */
export function knownFingerprint(ck: Checkpoint): Promise<string> | undefined {
  return memo.get(ck);
}

/**
 * Takes a fingerprint computed earlier for the same bytes (the input cache stores them per cached
 * suite), so it is not read again: the caller vouches that `ck` holds exactly those weights.
 */
export function seedFingerprint(ck: Checkpoint, hex: string): void {
  if (!memo.has(ck)) memo.set(ck, Promise.resolve(hex));
}

export function contentFingerprint(ck: Checkpoint): Promise<string> {
  let p = memo.get(ck);
  if (!p) {
    p = (async () => {
      const h = new Hash64().utf8(JSON.stringify(ck.config));
      for (const spec of ck.params) {
        const v = await ck.readParam(spec.name);
        h.utf8(`${spec.name}:${spec.shape.join('x')}`).words(new Uint32Array(v.buffer, v.byteOffset, v.length));
      }
      return h.hex();
    })();
    memo.set(ck, p);
    p.catch(() => memo.delete(ck));
  }
  return p;
}
