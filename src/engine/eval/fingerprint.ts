/**
 * Content fingerprints for cache keys: a 64-bit non-cryptographic hash (two FNV-1a-style lanes
 * over 32-bit words) of a checkpoint's config and every parameter's values, in canonical order.
 * Two checkpoints get the same fingerprint only if their weights are bit-identical (or by a
 * ~2^-64 accident). Reading every tensor costs about one load of the model; it is memoised per
 * Checkpoint object.
 */
import type { Checkpoint } from '../model/clip-vit/checkpoint';

export class Hasher {
  private a = 0x811c9dc5;
  private b = 0x9747b28c;

  words(w: Uint32Array): this {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < w.length; i++) {
      a = Math.imul(a ^ w[i], 0x01000193);
      b = Math.imul(b ^ w[i], 0x5bd1e995) ^ (b >>> 15);
    }
    this.a = a;
    this.b = b;
    return this;
  }

  text(s: string): this {
    return this.words(Uint32Array.from(new TextEncoder().encode(s)));
  }

  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}

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
      const h = new Hasher().text(JSON.stringify(ck.config));
      for (const spec of ck.params) {
        const v = await ck.readParam(spec.name);
        h.text(`${spec.name}:${spec.shape.join('x')}`).words(new Uint32Array(v.buffer, v.byteOffset, v.length));
      }
      return h.hex();
    })();
    memo.set(ck, p);
    p.catch(() => memo.delete(ck));
  }
  return p;
}
