/**
 * Mutations for the PyTorch-pickle target, half of them in the first 4 KiB, where torch.save puts
 * data.pkl (the zip's first entry): bit flips, random bytes, interesting values (0, 0xff, 0x7f,
 * 0x80) written over 1–8 bytes (lengths, counts, offsets), truncation, duplicated or deleted spans,
 * and splices from another seed; one to four of them stacked.
 */
import type { Rng } from '../../../src/engine/random';

const NAMES = ['bitFlip', 'randomBytes', 'boundaryBytes', 'truncate', 'duplicateSpan', 'deleteSpan', 'splice'];

export function mutatePickle(seed: Uint8Array, seeds: readonly Uint8Array[], rng: Rng): { bytes: Uint8Array; mutators: string[] } {
  const pick = (n: number) => rng.int(n);
  let b: Uint8Array = seed.slice();
  const used: string[] = [];
  for (let k = 0, rounds = 1 + pick(4); k < rounds; k++) {
    const at = rng.next() < 0.5 ? pick(Math.min(b.length, 4096)) : pick(b.length);
    const op = pick(NAMES.length);
    used.push(NAMES[op]);
    switch (op) {
      case 0: b[at] ^= 1 << pick(8); break;
      case 1: for (let i = 0, n = 1 + pick(16); i < n && at + i < b.length; i++) b[at + i] = pick(256); break;
      case 2: { const v = [0, 0xff, 0x7f, 0x80][pick(4)]; for (let i = 0, n = 1 + pick(8); i < n && at + i < b.length; i++) b[at + i] = v; break; }
      case 3: b = b.slice(0, at); break;
      case 4: { const len = pick(64); b = concat(b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)); break; }
      case 5: { const len = pick(64); b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + len))); break; }
      default: { const other = seeds[pick(seeds.length)]; const from = pick(other.length); const len = pick(256); b.set(other.subarray(from, from + Math.min(len, b.length - at)), at); }
    }
  }
  return { bytes: b, mutators: used };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
