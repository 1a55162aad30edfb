/**
 * Test helper (Node only): writes tensors as in-memory safetensors files and rewrites tiny-a's
 * HF tensors into other layouts (no prefix, full CLIPModel, open_clip) by hand-written conversions,
 * independent of the recogniser's name table, so tests check the table rather than repeat it.
 */
import { type ByteSource, memorySource } from '../../io/byte-source';
import { memorySink, type TensorData, type WriteDtype, writeSafetensors } from '../../io/safetensors';

export type Tensors = Map<string, TensorData>;

/** A safetensors ByteSource named `name` holding `tensors` (float dtypes written as F32 unless given). */
export async function safetensorsFile(name: string, tensors: Tensors, dtype: (t: TensorData) => WriteDtype = (t) => (t.values instanceof Float32Array ? 'F32' : 'I64')): Promise<ByteSource> {
  const sink = memorySink();
  const entries = [...tensors];
  await writeSafetensors(sink, entries.map(([n, t]) => ({ name: n, dtype: dtype(t), shape: t.shape })), (_s, i) => entries[i][1].values);
  return memorySource(sink.bytes(), name);
}

export function jsonFile(name: string, json: unknown): ByteSource {
  return memorySource(new TextEncoder().encode(JSON.stringify(json)), name);
}

const f32 = (shape: number[], values: ArrayLike<number>): TensorData => ({ dtype: 'F32', shape, values: Float32Array.from(values) });

/** Drops the `vision_model.` prefix (the projection keeps its name). */
export function withoutPrefix(t: Tensors): Tensors {
  return new Map([...t].map(([n, v]) => [n.replace(/^vision_model\./, ''), v]));
}

/** A full CLIPModel: the vision tensors plus a small text tower, logit_scale and position_ids buffers. */
export function asFullClipModel(t: Tensors): Tensors {
  const out = new Map(t);
  out.set('text_model.embeddings.token_embedding.weight', f32([10, 8], new Float32Array(80).fill(0.5)));
  out.set('text_model.encoder.layers.0.mlp.fc1.weight', f32([16, 8], new Float32Array(128).fill(-1)));
  out.set('text_model.embeddings.position_ids', { dtype: 'I64', shape: [1, 7], values: Int32Array.from([0, 1, 2, 3, 4, 5, 6]) });
  out.set('text_projection.weight', f32([4, 8], new Float32Array(32).fill(2)));
  out.set('logit_scale', f32([], [4.6052]));
  const tokens = t.get('vision_model.embeddings.position_embedding.weight')!.shape[0];
  out.set('vision_model.embeddings.position_ids', { dtype: 'I64', shape: [1, tokens], values: Int32Array.from({ length: tokens }, (_, i) => i) });
  return out;
}

/** Converts HF CLIP vision tensors to an open_clip visual state dict, as open_clip names and stores them. */
export function toOpenClip(t: Tensors, prefix: string, numLayers: number): Tensors {
  const get = (n: string) => t.get(n)!;
  const out: Tensors = new Map();
  const put = (n: string, v: TensorData) => out.set(prefix + n, v);
  const concatRows = (parts: TensorData[]) => f32([parts.reduce((a, p) => a + p.shape[0], 0), ...parts[0].shape.slice(1)],
    parts.flatMap((p) => Array.from(p.values)));
  put('class_embedding', get('vision_model.embeddings.class_embedding'));
  put('positional_embedding', get('vision_model.embeddings.position_embedding.weight'));
  const proj = get('visual_projection.weight'); // [P, D] → proj [D, P]
  const [P, D] = proj.shape;
  const projT = new Float32Array(P * D);
  for (let p = 0; p < P; p++) for (let d = 0; d < D; d++) projT[d * P + p] = proj.values[p * D + d];
  put('proj', f32([D, P], projT));
  put('conv1.weight', get('vision_model.embeddings.patch_embedding.weight'));
  put('ln_pre.weight', get('vision_model.pre_layrnorm.weight'));
  put('ln_pre.bias', get('vision_model.pre_layrnorm.bias'));
  for (let i = 0; i < numLayers; i++) {
    const hf = `vision_model.encoder.layers.${i}.`;
    const oc = `transformer.resblocks.${i}.`;
    put(`${oc}ln_1.weight`, get(`${hf}layer_norm1.weight`));
    put(`${oc}ln_1.bias`, get(`${hf}layer_norm1.bias`));
    put(`${oc}attn.in_proj_weight`, concatRows(['q', 'k', 'v'].map((x) => get(`${hf}self_attn.${x}_proj.weight`))));
    put(`${oc}attn.in_proj_bias`, concatRows(['q', 'k', 'v'].map((x) => get(`${hf}self_attn.${x}_proj.bias`))));
    put(`${oc}attn.out_proj.weight`, get(`${hf}self_attn.out_proj.weight`));
    put(`${oc}attn.out_proj.bias`, get(`${hf}self_attn.out_proj.bias`));
    put(`${oc}ln_2.weight`, get(`${hf}layer_norm2.weight`));
    put(`${oc}ln_2.bias`, get(`${hf}layer_norm2.bias`));
    put(`${oc}mlp.c_fc.weight`, get(`${hf}mlp.fc1.weight`));
    put(`${oc}mlp.c_fc.bias`, get(`${hf}mlp.fc1.bias`));
    put(`${oc}mlp.c_proj.weight`, get(`${hf}mlp.fc2.weight`));
    put(`${oc}mlp.c_proj.bias`, get(`${hf}mlp.fc2.bias`));
  }
  put('ln_post.weight', get('vision_model.post_layernorm.weight'));
  put('ln_post.bias', get('vision_model.post_layernorm.bias'));
  return out;
}
