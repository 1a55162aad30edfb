/**
 * Merges into memory instead of a file, for evaluation of small models (the demo zoo, tests):
 * canonical name → float32 values, or a tfjs ParamMap ready for clipVisionForward. Same routine
 * and passes as mergeStream; only the destination differs. At ViT-B/32 scale this holds the merged
 * model (~350 MB) — the inputs still stream.
 */
import * as tf from '@tensorflow/tfjs';
import { disposeParams, type ParamMap } from '../params/param-map';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import { identityNotes, resolveRequest, type MergeRequest } from './request';
import { TaskVectorMerge, type MergeRunOptions } from './task-vector-merge';
import type { MergeParams, MethodId } from './types';

export interface InMemoryMerge {
  method: MethodId;
  params: MergeParams;
  config: ClipVisionConfig;
  notes: string[];
  /** canonical name → merged values, in the pretrained model's order. */
  values: Map<string, Float32Array>;
}

export async function mergeInMemory(req: MergeRequest, opts: MergeRunOptions = {}): Promise<InMemoryMerge> {
  const r = resolveRequest(req);
  const merge = new TaskVectorMerge(req.pretrained, req.experts, r.plan, opts, true);
  await merge.prepare({ wholeModel: true });
  const values = new Map<string, Float32Array>();
  for (let i = 0; i < merge.reader.specs.length; i++) values.set(merge.reader.specs[i].name, await merge.merged(i));
  return {
    method: r.method.id, params: r.params, config: req.pretrained.config, values,
    notes: [...r.notes, ...identityNotes(merge.reader.identicalExperts())],
  };
}

/** The merge as a tfjs ParamMap (caller disposes it with disposeParams). */
export async function mergeToParamMap(req: MergeRequest, opts: MergeRunOptions = {}): Promise<Omit<InMemoryMerge, 'values'> & { weights: ParamMap }> {
  const { values, ...rest } = await mergeInMemory(req, opts);
  const shapes = new Map(req.pretrained.params.map((p) => [p.name, p.shape]));
  const weights: ParamMap = new Map();
  try {
    for (const [name, v] of values) weights.set(name, tf.tensor(v, [...shapes.get(name)!], 'float32'));
  } catch (e) {
    disposeParams(weights);
    throw e;
  }
  return { ...rest, weights };
}
