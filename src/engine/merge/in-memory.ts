/**
 * Merges into memory: canonical name → float32 values, and those values as a tfjs ParamMap ready
 * for clipVisionForward. This is the one route from a merge to its evaluation — the page's merges
 * (held.ts), training's base merges and `mergelab eval` all score the ParamMap of these values.
 * Same routine and passes as mergeStream; only the destination differs. At ViT-B/32 scale this
 * holds the merged model (~350 MB) — the inputs still stream.
 */
import * as tf from '@tensorflow/tfjs';
import { disposeParams, type ParamMap } from '../params/param-map';
import type { ParamSpec } from '../model/clip-vit/checkpoint';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import { mergeNotes, openMerge } from './open-merge';
import type { MergeRequest, ResolvedRequest } from './request';
import type { MergeRunOptions } from './task-vector-merge';
import type { MergeParams, MethodId } from './types';

export interface InMemoryMerge {
  method: MethodId;
  /** Resolved parameters (defaults filled in). */
  params: MergeParams;
  config: ClipVisionConfig;
  notes: string[];
  /** canonical name → merged values, in the pretrained model's order. */
  values: Map<string, Float32Array>;
  /** The pretrained model's parameters (names and shapes), the order of `values`. */
  specs: readonly ParamSpec[];
  /** Passes over the inputs (scans + merge) and stored bytes read over all of them. */
  passes: number;
  bytesRead: number;
}

export async function mergeInMemory(req: MergeRequest | ResolvedRequest, opts: MergeRunOptions = {}): Promise<InMemoryMerge> {
  const m = await openMerge(req, opts, true);
  const { specs } = m.merge.reader;
  const values = new Map<string, Float32Array>();
  for (let i = 0; i < specs.length; i++) values.set(specs[i].name, await m.merge.merged(i));
  const p = m.merge.progressNow('merge');
  return {
    method: m.method.id, params: m.params, config: m.request.pretrained.config, notes: mergeNotes(m),
    values, specs, passes: p.passes, bytesRead: p.bytesRead,
  };
}

/** Merged values as float32 tensors (a copy in the tfjs backend; the caller disposes it with disposeParams). */
export function toParamMap(values: ReadonlyMap<string, Float32Array>, specs: readonly ParamSpec[]): ParamMap {
  const weights: ParamMap = new Map();
  try {
    for (const s of specs) weights.set(s.name, tf.tensor(values.get(s.name)!, [...s.shape], 'float32'));
  } catch (e) {
    disposeParams(weights);
    throw e;
  }
  return weights;
}

/** The merge as a tfjs ParamMap (caller disposes it with disposeParams). */
export async function mergeToParamMap(req: MergeRequest | ResolvedRequest, opts: MergeRunOptions = {}): Promise<Omit<InMemoryMerge, 'values'> & { weights: ParamMap }> {
  const { values, ...rest } = await mergeInMemory(req, opts);
  return { ...rest, weights: toParamMap(values, rest.specs) };
}
