/** Seed inputs shared by the fuzz targets: the repository's own fixtures (e2e/fixtures), read from disk. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../../../e2e/fixtures/', import.meta.url));

export const fixtureBytes = async (...parts: string[]): Promise<Uint8Array> => new Uint8Array(await readFile(join(FIXTURES, ...parts)));

export const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
