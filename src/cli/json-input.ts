/**
 * Reads a small JSON input file of a CLI command, with errors that name the file and say what
 * shape it must have.
 */
import { stat } from 'node:fs/promises';
import { MergelabError } from '../engine/errors';
import { readJsonCapped } from '../engine/io/bounded';
import { nodeFileSource } from '../engine/io/node-source.node.js';

export async function readJsonInput(path: string, shape: string): Promise<Record<string, unknown>> {
  const st = await stat(path).catch(() => null);
  if (!st || !st.isFile()) throw new MergelabError('input', `${path} ${st ? 'is not a file' : 'does not exist'}.`, `Give a JSON file shaped ${shape}.`);
  const json = await readJsonCapped(await nodeFileSource(path), (p) => new MergelabError('input', `${path} ${p}`, `Write it as JSON shaped ${shape}.`));
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new MergelabError('input', `${path} is not a JSON object.`, `Write it as ${shape}.`);
  return json as Record<string, unknown>;
}

/** An array of strings, or a MergelabError naming the file and the field. */
export function stringList(value: unknown, path: string, field: string, shape: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new MergelabError('input', `${path}: "${field}" must be a list of strings, got ${value === undefined ? 'nothing' : JSON.stringify(value).slice(0, 80)}.`, `Write the file as ${shape}.`);
  }
  return value as string[];
}
