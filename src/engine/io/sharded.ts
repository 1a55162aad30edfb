/**
 * Sharded checkpoints: `model.safetensors.index.json` (or `pytorch_model.bin.index.json`)
 * {"metadata": {...}, "weight_map": {tensor: shardFile}} plus the shard files. The result is one
 * TensorStore over all shards. Every listed shard must be present and every mapped tensor must be
 * in its shard; all such problems are reported at once.
 */
import { SafetensorsError } from '../errors';
import { clip, listed, quote, readJsonCapped } from './bounded';
import type { ByteSource } from './byte-source';
import { MAX_TENSORS, openSafetensors, type TensorInfo, type TensorStore } from './safetensors';

export interface ShardedStore extends TensorStore {
  /** The shard file names, in the order the index first names them. */
  readonly shards: readonly string[];
  /** Tensors stored in a shard but absent from the weight map (not part of the store). */
  readonly unmapped: readonly string[];
}

/** The file name without its folders. */
export function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

interface IndexJson {
  metadata: Record<string, string>;
  weightMap: Map<string, string>;
}

async function readIndex(index: ByteSource): Promise<IndexJson> {
  const fail = (problem: string) => new SafetensorsError(index.name, problem, 'Re-download the index file; it must be the model.safetensors.index.json written with the shards.');
  const json = await readJsonCapped(index, fail);
  const root = json as { metadata?: unknown; weight_map?: unknown };
  if (root === null || typeof root !== 'object' || Array.isArray(root)) throw fail('is not a JSON object.');
  const wm = root.weight_map;
  if (wm === null || typeof wm !== 'object' || Array.isArray(wm)) throw fail('has no "weight_map" object (tensor name → shard file).');
  const entries = Object.keys(wm).length;
  if (entries > 16 * MAX_TENSORS) throw fail(`"weight_map" lists ${entries} tensors; at most ${16 * MAX_TENSORS} are accepted.`);
  const bad = Object.entries(wm).filter(([, f]) => typeof f !== 'string').map(([t]) => clip(t));
  if (bad.length) throw fail(`"weight_map" must map tensor names to shard file names; not a string for: ${listed(bad)}.`);
  // Metadata is shown, never interpreted: non-strings are kept as a short excerpt (they may nest deeply).
  const metadata: Record<string, string> = {};
  if (root.metadata && typeof root.metadata === 'object') {
    for (const [k, v] of Object.entries(root.metadata)) metadata[k] = typeof v === 'string' ? v : quote(v, 200);
  }
  return { metadata, weightMap: new Map(Object.entries(wm as Record<string, string>)) };
}

/**
 * Opens a sharded checkpoint from its index and the folder's files (matched by file name).
 * Only the shards the index names are opened; other files are ignored.
 */
export async function openSharded(index: ByteSource, files: readonly ByteSource[], openShard: (src: ByteSource) => Promise<TensorStore> = openSafetensors): Promise<ShardedStore> {
  const { metadata, weightMap } = await readIndex(index);
  const shards = [...new Set(weightMap.values())];
  const byName = new Map(files.map((f) => [baseName(f.name), f]));
  const missing = shards.filter((s) => !byName.has(baseName(s)));
  if (missing.length) {
    throw new SafetensorsError(index.name, `names ${missing.length} shard file${missing.length > 1 ? 's' : ''} that ${missing.length > 1 ? 'are' : 'is'} not in the folder: ${listed(missing.map((m) => clip(m)))}.`,
      'Download every shard listed in the index into the same folder as the index.');
  }
  const stores = new Map<string, TensorStore>();
  for (const s of shards) stores.set(s, await openShard(byName.get(baseName(s))!));

  const tensors = new Map<string, TensorInfo>();
  const absent: string[] = [];
  for (const [tensor, shard] of weightMap) {
    const info = stores.get(shard)!.tensors.get(tensor);
    if (info) tensors.set(tensor, info);
    else absent.push(`${quote(tensor)} (mapped to ${clip(shard)})`);
  }
  if (absent.length) {
    throw new SafetensorsError(index.name, `maps ${absent.length} tensor${absent.length > 1 ? 's' : ''} to shards that do not contain ${absent.length > 1 ? 'them' : 'it'}: ${listed(absent)}.`,
      'The index and the shards come from different saves: download the index and all shards again together.');
  }
  const unmapped: string[] = [];
  for (const store of stores.values()) for (const t of store.tensors.keys()) if (!weightMap.has(t)) unmapped.push(t);

  return {
    name: index.name,
    tensors,
    metadata,
    size: [...stores.values()].reduce((a, s) => a + s.size, 0),
    shards,
    unmapped,
    async read(name) {
      const shard = weightMap.get(name);
      if (!shard) throw new SafetensorsError(index.name, `has no tensor ${quote(name)} in its weight_map.`);
      return stores.get(shard)!.read(name);
    },
    async readInto(name, into) {
      const store = stores.get(weightMap.get(name) ?? '');
      return store?.readInto ? store.readInto(name, into) : null;
    },
  };
}
