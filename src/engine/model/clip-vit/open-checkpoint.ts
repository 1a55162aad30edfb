/**
 * Checkpoint recognition: from the files of one folder (config.json, *.safetensors,
 * model.safetensors.index.json + shards, or PyTorch pickles: pytorch_model.bin[.index.json + shards],
 * a torch.save'd .pt/.pth module tree) or a single weights file, produce a Checkpoint whose
 * parameters have canonical HF names. Every tensor is validated against the config up front and all
 * problems (missing, wrong shape, non-float, unknown) are reported at once.
 */
import { CheckpointError, CheckpointMismatchError } from '../../errors';
import { quote, readJsonCapped } from '../../io/bounded';
import type { ByteSource } from '../../io/byte-source';
import { FLOAT_DTYPES, type Dtype } from '../../io/dtypes';
import { baseName } from '../../io/sharded';
import type { TensorData, TensorStore } from '../../io/safetensors';
import { openWeights } from '../weights';
import type { Checkpoint, ParamSpec } from './checkpoint';
import type { ClipVisionConfig } from './config';
import { configFromJson, configFromShapes, type ConfigResult } from './infer-config';
import { detectLayout, type Layout } from './layout';
import { PROJECTION, canonicalParams, storedShape, type Transform } from './names';
import { HINTED_NOTE, unwrapPickle } from './pickled';

/** Where one canonical parameter is stored. */
export interface ParamSource {
  tensor: string;
  dtype: Dtype;
  transform?: Transform;
}

/** A Checkpoint that also tells where each canonical parameter is stored (for `inspect`). */
export interface RecognisedCheckpoint extends Checkpoint {
  readonly sources: ReadonlyMap<string, ParamSource>;
}

function readJson(src: ByteSource): Promise<unknown> {
  return readJsonCapped(src, (problem) => new CheckpointError(src.name, problem, 'Fix or re-download config.json, or remove it to infer the config from the weights.'));
}

function resolveConfig(store: TensorStore, layout: Layout, configJson: unknown, configFile: string | undefined): ConfigResult {
  const hasProjection = store.tensors.has(layout.source(PROJECTION).tensor);
  if (configFile) return configFromJson(configJson, configFile, hasProjection);
  const shape = (canonical: string): number[] | undefined => {
    const src = layout.source(canonical);
    const s = store.tensors.get(src.tensor)?.shape;
    if (!s) return undefined;
    if (src.transform?.kind === 'transpose') return [s[1], s[0]];
    return src.transform?.kind === 'chunk' ? [s[0] / src.transform.of, ...s.slice(1)] : s;
  };
  const patch = 'vision_model.embeddings.patch_embedding.weight';
  const pos = 'vision_model.embeddings.position_embedding.weight';
  const fc1 = 'vision_model.encoder.layers.0.mlp.fc1.weight';
  return configFromShapes(
    { patchEmbedding: shape(patch), positionEmbedding: shape(pos), fc1: shape(fc1), projection: hasProjection ? shape(PROJECTION) : undefined, numLayers: layout.numLayers },
    store.name,
    { patch: layout.source(patch).tensor, pos: layout.source(pos).tensor, fc1: layout.source(fc1).tensor },
  );
}

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;
const describe = (c: ClipVisionConfig) =>
  `hidden ${c.hiddenSize}, ${c.numLayers} layers, MLP ${c.intermediateSize}, patch ${c.patchSize}, image ${c.imageSize}, ${c.numChannels} channels, projection ${c.projectionDim ?? 'none'}`;

/** Maps every canonical parameter to its stored tensor, collecting every problem. */
function validate(name: string, store: TensorStore, layout: Layout, params: readonly ParamSpec[], configSource: string, config: ClipVisionConfig): Map<string, ParamSource> {
  const problems = new Set<string>();
  const used = new Set<string>();
  const sources = new Map<string, ParamSource>();
  for (const p of params) {
    const src = layout.source(p.name);
    const info = store.tensors.get(src.tensor);
    used.add(src.tensor);
    const alias = src.tensor === p.name ? '' : ` (for ${p.name})`;
    const want = storedShape(p.shape, src.transform);
    if (!info) { problems.add(`missing tensor ${quote(src.tensor)}${src.transform?.kind === 'chunk' ? '' : alias}, expected shape ${fmt(want)}`); continue; }
    if (fmt(info.shape) !== fmt(want)) problems.add(`tensor ${quote(src.tensor)} has shape ${fmt(info.shape)}, expected ${fmt(want)}`);
    if (!FLOAT_DTYPES.includes(info.dtype)) problems.add(`tensor ${quote(src.tensor)} is stored as ${info.dtype}, expected floats (F32, F16 or BF16)`);
    sources.set(p.name, { tensor: src.tensor, dtype: info.dtype, transform: src.transform });
  }
  for (const t of store.tensors.keys()) {
    if (!used.has(t) && !layout.ignored.has(t)) problems.add(`unexpected tensor ${quote(t)} (not part of a CLIP vision tower with this config)`);
  }
  if (problems.size) {
    const hint = configSource === 'config.json'
      ? 'config.json does not describe these weights: use the config.json saved with them, or remove it to infer the config from the shapes.'
      : 'These weights are not a complete CLIP vision tower: re-export the checkpoint with every vision tensor listed above.';
    // At most 50 problems: a hostile file can list thousands of stray tensors.
    const all = [...problems];
    const shown = all.length > 50 ? [...all.slice(0, 50), `… and ${all.length - 50} more`] : all;
    throw new CheckpointMismatchError(`${name} (${layout.layout}; config from ${configSource}: ${describe(config)})`, shown, hint);
  }
  return sources;
}

/** Reads a stored tensor as float32 and applies the layout's transform. */
export function convert(data: TensorData, src: ParamSource): Float32Array {
  const v = data.values as Float32Array;
  if (!src.transform) return v;
  if (src.transform.kind === 'chunk') {
    const n = v.length / src.transform.of;
    return v.slice(src.transform.index * n, (src.transform.index + 1) * n);
  }
  const [rows, cols] = data.shape; // stored [rows, cols] → [cols, rows]
  const out = new Float32Array(v.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = v[r * cols + c];
  return out;
}

/** Recognises a checkpoint from the files of one folder or a single weights file. */
export async function openCheckpoint(name: string, files: ByteSource[]): Promise<RecognisedCheckpoint> {
  const { store, notes: fileNotes, hints } = await openWeights(name, files, unwrapPickle);
  const layout = detectLayout(store.name, [...store.tensors.keys()]);
  const configSrc = files.find((f) => baseName(f.name) === 'config.json');
  const configJson = configSrc ? await readJson(configSrc) : undefined;
  const resolved = resolveConfig(store, layout, configJson, configSrc?.name);
  let { config, notes: configNotes } = resolved;
  if (hints && !configSrc) {
    // A pickled module tree knows what shapes cannot tell: its attributes replace the guesses.
    config = { ...config, ...hints.values };
    const replaced = (Object.keys(hints.values) as (keyof typeof HINTED_NOTE)[]).map((k) => HINTED_NOTE[k]);
    configNotes = [...configNotes.filter((n) => !replaced.some((r) => n.startsWith(r))), ...hints.notes];
  }
  const configSource = configSrc ? 'config.json' : 'inferred from shapes';
  const params = canonicalParams(config);
  const sources = validate(name, store, layout, params, configSource, config);

  const dtypes: Record<string, number> = {};
  for (const t of new Set([...sources.values()].map((s) => s.tensor))) {
    const d = store.tensors.get(t)!.dtype;
    dtypes[d] = (dtypes[d] ?? 0) + 1;
  }
  // q/k/v are three slices of one stored tensor: keep the last one read so it is read once, not thrice.
  let last: { tensor: string; data: Promise<TensorData> } | undefined;
  const read = (src: ParamSource) => {
    if (src.transform?.kind !== 'chunk') return store.read(src.tensor);
    if (last?.tensor !== src.tensor) last = { tensor: src.tensor, data: store.read(src.tensor) };
    return last.data;
  };
  const readParam = async (param: string) => {
    const src = sources.get(param);
    if (!src) throw new CheckpointError(name, `has no parameter "${param}".`, 'Use one of the canonical names listed in checkpoint.params.');
    return convert(await read(src), src);
  };
  return {
    name,
    format: layout.format,
    layout: layout.layout,
    config,
    configSource,
    params,
    fileBytes: store.size,
    dtypes,
    notes: [...fileNotes.filter((n) => n.startsWith('PyTorch pickle')), ...layout.notes, ...configNotes, ...fileNotes.filter((n) => !n.startsWith('PyTorch pickle'))],
    sources,
    readParam,
    async readParamInto(param, into) {
      const src = sources.get(param);
      const direct = src && !src.transform && src.dtype === 'F32' && store.readInto ? await store.readInto(src.tensor, into) : null;
      return direct ?? readParam(param);
    },
  };
}
