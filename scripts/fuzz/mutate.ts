/**
 * Seeded mutations of a seed file for the pickle fuzz (half of them in the first 4 KiB, the pickle): bit flips, random bytes, interesting values
 * (0, 0xff, 0x7f, 0x80) written over 1–8 bytes (lengths, counts, offsets), truncation, duplicated or
 * deleted spans, and splices of two seeds. Deterministic for a given seed number.
 */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 0x100000000;
  };
}

export function mutate(seeds: readonly Uint8Array[], caseNo: number): Uint8Array {
  const r = rng(caseNo * 2654435761 + 12345);
  const pick = (n: number) => Math.floor(r() * n);
  let b: Uint8Array = seeds[pick(seeds.length)].slice();
  const rounds = 1 + pick(4);
  for (let k = 0; k < rounds; k++) {
    // Half the mutations land in the first 4 KiB, where torch.save puts data.pkl (the zip's first entry).
    const at = r() < 0.5 ? pick(Math.min(b.length, 4096)) : pick(b.length);
    switch (pick(7)) {
      case 0: b[at] ^= 1 << pick(8); break;
      case 1: for (let i = 0, n = 1 + pick(16); i < n && at + i < b.length; i++) b[at + i] = pick(256); break;
      case 2: { const v = [0, 0xff, 0x7f, 0x80][pick(4)]; for (let i = 0, n = 1 + pick(8); i < n && at + i < b.length; i++) b[at + i] = v; break; }
      case 3: b = b.slice(0, at); break;
      case 4: { const len = pick(64); b = concat(b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)); break; }
      case 5: { const len = pick(64); b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + len))); break; }
      default: { const other = seeds[pick(seeds.length)]; const from = pick(other.length); const len = pick(256); b.set(other.subarray(from, from + Math.min(len, b.length - at)), at); }
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
