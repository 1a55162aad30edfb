/** Paths to the golden fixtures (copied from ../shared/fixtures into e2e/fixtures) and loaders. */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { nodeFileSource } from '../io/node-source.node';
import { openSafetensors, readAll, type TensorData } from '../io/safetensors';

export const FIXTURES = fileURLToPath(new URL('../../../e2e/fixtures/', import.meta.url));

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export async function loadFixtureTensors(...parts: string[]): Promise<Map<string, TensorData>> {
  return readAll(await openSafetensors(await nodeFileSource(fixturePath(...parts))));
}
