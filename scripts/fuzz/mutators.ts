/**
 * Mutators for the fuzz harness, all driven by a seeded Rng so a case is reproducible from
 * (target, seed, case number). Byte-level: bit flips, truncation, huge length fields, repeated
 * and inserted chunks. JSON-aware, for inputs that are JSON or safetensors files (whose header
 * is JSON): deep nesting, duplicate keys, wrong types, huge strings and arrays, applied to the
 * parsed tree and written back (a safetensors header with a correct length prefix, so the reader
 * gets past the length check).
 */
import type { Rng } from '../../src/engine/random';

export type Mutator = (input: Uint8Array, rng: Rng) => Uint8Array;

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Flips 1–8 random bits. */
export const bitFlips: Mutator = (input, rng) => {
  const out = input.slice();
  if (!out.length) return out;
  for (let n = 1 + rng.int(8); n > 0; n--) out[rng.int(out.length)] ^= 1 << rng.int(8);
  return out;
};

/** Cuts the input at a random point (often inside a header). */
export const truncate: Mutator = (input, rng) => input.slice(0, rng.next() < 0.5 ? rng.int(Math.min(input.length, 64) + 1) : rng.int(input.length + 1));

/** Huge values written over a length-like field: the first 8 bytes, or a random aligned 4 bytes. */
export const hugeLength: Mutator = (input, rng) => {
  const out = input.slice();
  if (out.length < 8) return out;
  const view = new DataView(out.buffer);
  const big = [0xffffffffffffffffn, 0x7fffffffffffffffn, 0x100000000n, BigInt(out.length), BigInt(out.length) * 2n, 99_999_999n][rng.int(6)];
  if (rng.next() < 0.5) view.setBigUint64(0, big, true);
  else view.setUint32(4 * rng.int(Math.floor(out.length / 4)), [0xffffffff, 0x7fffffff, 0x10000, 65_536_000][rng.int(4)], rng.next() < 0.5);
  return out;
};

/** A random chunk repeated or inserted elsewhere. */
export const spliceChunk: Mutator = (input, rng) => {
  if (!input.length) return input.slice();
  const a = rng.int(input.length);
  const chunk = input.slice(a, a + 1 + rng.int(64));
  const at = rng.int(input.length + 1);
  const times = 1 + rng.int(rng.next() < 0.1 ? 1000 : 4);
  const out = new Uint8Array(input.length + chunk.length * times);
  out.set(input.subarray(0, at));
  for (let i = 0; i < times; i++) out.set(chunk, at + i * chunk.length);
  out.set(input.subarray(at), at + chunk.length * times);
  return out;
};

// ---------------------------------------------------------------------------------------------
// JSON-aware

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A value of a type the reader does not expect, some of them huge or deep. */
function wrongValue(rng: Rng): Json | string {
  switch (rng.int(11)) {
    case 0: return null;
    case 1: return rng.next() < 0.5;
    case 2: return [-1, 0, 1.5, 2 ** 53, 1e308, -0][rng.int(6)];
    case 3: return 'x'.repeat(rng.int(64));
    case 4: return [];
    case 5: return {};
    case 6: return ['F32', 'I64', 'U8', 'BOOL', 'F16'][rng.int(5)];
    case 7: return 'y'.repeat(1_000_000 + rng.int(4_000_000)); // huge string
    case 8: return Array.from({ length: 10_000 + rng.int(100_000) }, (_, i) => i); // huge array
    case 9: return RAW_DEEP; // replaced by deep nesting when written
    default: return RAW_HUGE_NUMBER; // 1e999 → Infinity when parsed
  }
}
const RAW_DEEP = '\u0000deep';
const RAW_HUGE_NUMBER = '\u0000huge';

/** Every container in the tree with a way to replace one of its values. */
function slots(root: Json): { get: () => Json; set: (v: Json) => void; parent: Json[] | Record<string, Json>; key: string | number }[] {
  const out: ReturnType<typeof slots> = [];
  const walk = (v: Json, depth: number) => {
    if (depth > 8 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) v.slice(0, 50).forEach((x, i) => { out.push({ get: () => v[i], set: (n) => { v[i] = n; }, parent: v, key: i }); walk(x, depth + 1); });
    else for (const k of Object.keys(v).slice(0, 200)) { out.push({ get: () => v[k], set: (n) => { v[k] = n; }, parent: v, key: k }); walk(v[k], depth + 1); }
  };
  walk(root, 0);
  return out;
}

/** Writes the tree back, expanding the deep-nesting and huge-number markers and duplicating keys. */
function write(root: Json, rng: Rng, duplicate: string | null): string {
  let text = JSON.stringify(root);
  const depth = 1_000 + rng.int(200_000);
  text = text.replaceAll(JSON.stringify(RAW_DEEP), `${'['.repeat(depth)}${']'.repeat(depth)}`);
  text = text.replaceAll(JSON.stringify(RAW_HUGE_NUMBER), ['1e999', '-1e999', '123456789012345678901234567890', '-0.0'][rng.int(4)]);
  if (duplicate) {
    const pair = `${JSON.stringify(duplicate)}:`;
    const at = text.indexOf(pair);
    if (at > 0) text = `${text.slice(0, at)}${pair}${JSON.stringify(wrongValue(rng))},${text.slice(at)}`;
  }
  return text;
}

/** One JSON mutation of a parsed tree: wrong type, deep nesting, duplicate key, removed or added key. */
function mutateJson(root: Json, rng: Rng): string {
  const all = slots(root);
  const kind = rng.int(5);
  if (!all.length) return write(rng.next() < 0.5 ? (RAW_DEEP as Json) : wrongValue(rng) as Json, rng, null);
  const s = all[rng.int(all.length)];
  if (kind === 0) s.set(wrongValue(rng) as Json);
  else if (kind === 1) s.set(RAW_DEEP);
  else if (kind === 2 && typeof s.key === 'string') return write(root, rng, s.key);
  else if (kind === 3) { if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1); else delete s.parent[s.key as string]; }
  else if (!Array.isArray(s.parent)) s.parent[['__proto__', 'constructor', '__metadata__', 'weight_map', 'x'][rng.int(5)]] = wrongValue(rng) as Json;
  else s.set(wrongValue(rng) as Json);
  return write(root, rng, null);
}

/** The JSON text inside `input`: the whole input, or a safetensors header. */
function jsonPart(input: Uint8Array): { text: string; rebuild: (text: string) => Uint8Array } | null {
  const whole = dec.decode(input);
  try {
    JSON.parse(whole);
    return { text: whole, rebuild: (t) => enc.encode(t) };
  } catch { /* not JSON */ }
  if (input.length < 10) return null;
  const n = Number(new DataView(input.buffer, input.byteOffset).getBigUint64(0, true));
  if (n < 2 || n > input.length - 8) return null;
  const text = dec.decode(input.subarray(8, 8 + n));
  try {
    JSON.parse(text);
  } catch { return null; }
  const data = input.subarray(8 + n);
  return {
    text,
    rebuild: (t) => {
      const h = enc.encode(t);
      const out = new Uint8Array(8 + h.length + data.length);
      new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
      out.set(h, 8);
      out.set(data, 8 + h.length);
      return out;
    },
  };
}

/** JSON-aware mutation; falls back to a bit flip when the input holds no JSON. */
export const jsonMutation: Mutator = (input, rng) => {
  const part = jsonPart(input);
  if (!part) return bitFlips(input, rng);
  try {
    return part.rebuild(mutateJson(JSON.parse(part.text) as Json, rng));
  } catch {
    return bitFlips(input, rng); // an already deeply nested input cannot be walked again
  }
};

export const MUTATORS: Record<string, Mutator> = { bitFlips, truncate, hugeLength, spliceChunk, jsonMutation };

/** One mutated input: usually one mutation, sometimes two stacked; JSON inputs get JSON mutations half the time. */
export function mutate(seed: Uint8Array, rng: Rng): { bytes: Uint8Array; mutators: string[] } {
  const names = Object.keys(MUTATORS);
  const steps = rng.next() < 0.25 ? 2 : 1;
  let bytes = seed;
  const used: string[] = [];
  for (let i = 0; i < steps; i++) {
    const name = rng.next() < 0.5 ? 'jsonMutation' : names[rng.int(names.length)];
    bytes = MUTATORS[name](bytes, rng);
    used.push(name);
  }
  return { bytes, mutators: used };
}
