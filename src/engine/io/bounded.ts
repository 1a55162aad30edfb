/**
 * Bounds for reading untrusted files: every reader that parses a user's file (JSON headers,
 * manifests, configs, coefficient lists) goes through these, so a hostile or broken file costs a
 * bounded amount of memory and time and its error message stays short.
 *
 * - `quote(value)`: a short, escaped excerpt of any value for an error message. It never recurses
 *   more than a few levels (JSON.stringify of deeply nested input overflows the stack) and never
 *   copies more than `max` characters of an attacker-sized string.
 * - `readJsonCapped(src, …)`: reads a small JSON file only when its size is under a cap (a 4 GiB
 *   "config.json" must not become one 4 GiB allocation) and turns every parse failure into the
 *   reader's own typed error.
 * - `listed(items)`: at most a few items of a problem list, then "and N more".
 */
import type { MergelabError } from '../errors';
import type { ByteSource } from './byte-source';

/** Largest JSON side file we read whole (config.json, the shard index, manifest.json): 16 MiB. */
export const MAX_JSON_BYTES = 16 * 2 ** 20;

/** How deep `quote` looks into arrays and objects before writing "…". */
const QUOTE_DEPTH = 3;

/** A short, escaped excerpt of `value` (at most about `max` characters), safe for any input. */
export function quote(value: unknown, max = 60): string {
  let out = '';
  const full = () => out.length >= max;
  const put = (s: string) => { out += s.length + out.length > max ? `${s.slice(0, Math.max(0, max - out.length))}…` : s; };
  const walk = (v: unknown, depth: number): void => {
    if (full()) return;
    if (typeof v === 'string') {
      const room = Math.max(1, max - out.length - 2);
      const s = JSON.stringify(v.slice(0, room));
      out += v.length > room ? `${s.slice(0, -1)}…"` : s; // whole quotes, even past max
    } else if (v === null || typeof v === 'number' || typeof v === 'boolean') put(String(v));
    else if (typeof v === 'bigint') put(`${v}n`);
    else if (v === undefined) put('undefined');
    else if (typeof v !== 'object') put(`[${typeof v}]`);
    else if (depth >= QUOTE_DEPTH) put(Array.isArray(v) ? '[…]' : '{…}');
    else if (Array.isArray(v)) {
      put('[');
      for (let i = 0; i < v.length && !full(); i++) {
        if (i) put(', ');
        walk(v[i], depth + 1);
      }
      put(']');
    } else {
      put('{');
      let i = 0;
      for (const k in v) {
        if (!Object.hasOwn(v, k)) continue;
        if (full()) break;
        if (i++) put(', ');
        walk(k, depth + 1);
        put(': ');
        walk((v as Record<string, unknown>)[k], depth + 1);
      }
      put('}');
    }
  };
  walk(value, 0);
  return out;
}

/** `text` cut to `max` characters with "…" (for names shown without quotes, e.g. file names). */
export function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** At most `shown` items joined by ", ", then "… and N more". Items are used as given (quote them first). */
export function listed(items: readonly string[], shown = 10): string {
  if (items.length <= shown) return items.join(', ');
  return `${items.slice(0, shown).join(', ')}, … and ${items.length - shown} more`;
}

/**
 * Reads and parses a small JSON file. `fail(problem)` builds the reader's typed error; it is
 * thrown for a file over `maxBytes`, invalid UTF-8 and invalid JSON alike.
 */
export async function readJsonCapped(src: ByteSource, fail: (problem: string) => MergelabError, maxBytes = MAX_JSON_BYTES): Promise<unknown> {
  if (src.size > maxBytes) {
    throw fail(`is ${src.size} bytes, more than the ${maxBytes}-byte limit for this file; it is not the small JSON file expected here.`);
  }
  return parseJsonBytes(await src.read(0, src.size), fail);
}

/**
 * Counts JSON structure outside strings ('{', '[', ':' and ','), stopping once it passes `limit`.
 * Parsing cost grows with the number of values, not bytes, so readers that must accept large
 * files (a 100 MB safetensors header) bound the values with this before JSON.parse runs.
 */
export function jsonTokensOver(bytes: Uint8Array, limit: number): boolean {
  let n = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b || b === 0x3a || b === 0x2c) {
      if (++n > limit) return true;
    }
  }
  return false;
}

/** Parses UTF-8 JSON bytes; any failure is `fail`'s typed error with a short reason. */
export function parseJsonBytes(bytes: Uint8Array, fail: (problem: string) => MergelabError, what = 'JSON'): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw fail(`is not valid ${what} (${clip(String((e as Error)?.message ?? e), 120)}).`);
  }
}
