/**
 * The engine's one 64-bit non-cryptographic hash: two FNV-1a-style lanes over 32-bit words (an
 * FNV-1a lane and a MurmurHash2-multiplier lane), printed as 16 hex digits. Content fingerprints
 * of checkpoints and cache keys use it.
 *
 * Text enters it in one of two ways, and both stay because their outputs are persisted:
 * - utf8(s): one word per UTF-8 byte. Cache fingerprints (eval/fingerprint.ts, kept in the OPFS
 *   input cache) and feature-cache file names (io/opfs-features.ts) are made this way.
 * - charCodes(s): one word per code point, its first UTF-16 unit (charCodeAt(0) of each code point:
 *   an astral character's low surrogate is not hashed). The input fingerprints written into merged
 *   models' __metadata__ and run records (merge/fingerprint.ts) are made this way.
 * For ASCII text the two agree; changing either would change values already stored.
 */

export class Hash64 {
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

  /** The text's UTF-8 bytes, one word each. */
  utf8(s: string): this {
    return this.words(Uint32Array.from(new TextEncoder().encode(s)));
  }

  /** The first UTF-16 unit of each of the text's code points, one word each. */
  charCodes(s: string): this {
    return this.words(Uint32Array.from(s, (c) => c.charCodeAt(0)));
  }

  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}
