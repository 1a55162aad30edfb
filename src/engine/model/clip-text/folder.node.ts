/**
 * Test helper: a fixture folder's files as in-memory byte sources, with files dropped, replaced
 * or added, so variants of a model folder are built without writing to disk.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { memorySource, type ByteSource } from '../../io/byte-source';

export function folderFiles(dir: string, edit: { drop?: string[]; replace?: Record<string, Uint8Array | string> } = {}): ByteSource[] {
  const bytes = (v: Uint8Array | string) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);
  const names = readdirSync(dir).filter((n) => !(edit.drop ?? []).includes(n));
  const out = names.map((n) => memorySource(edit.replace?.[n] !== undefined ? bytes(edit.replace[n]) : new Uint8Array(readFileSync(`${dir}/${n}`)), `model/${n}`));
  for (const [n, v] of Object.entries(edit.replace ?? {})) if (!names.includes(n)) out.push(memorySource(bytes(v), `model/${n}`));
  return out;
}
