/**
 * mergeStream: merges a pool tensor by tensor straight into a safetensors ByteSink (a Node file, a
 * browser FileSystemWritableFileStream, Blob parts), holding one tensor of each model at a time
 * (with req.retrieved: consensus's per-task retrieved model instead, metadata "mergelab.retrieved").
 * The caller writes config.json (result.configJson) beside model.safetensors. On any failure —
 * cancellation included — the sink is aborted (abort()), so nothing half-written survives.
 */
import type { ByteSink, TensorSpec } from '../io/safetensors';
import { writeSafetensors } from '../io/safetensors';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import type { ParamSpec } from '../model/clip-vit/checkpoint';
import { configJsonText, describeInputs, mergeMetadata, type InputRecord } from './metadata';
import { mergeNotes, openMerge } from './open-merge';
import { resolveRequest, type MergeRequest, type ResolvedRequest } from './request';
import type { MergeRunOptions } from './task-vector-merge';
import type { MergeParams, MethodId } from './types';

/** A sink that can discard what it has received (delete the partial file, drop the parts). */
export interface AbortableSink extends ByteSink {
  abort?(): Promise<void>;
}

export interface MergeResult {
  method: MethodId;
  /** Resolved parameters (defaults filled in). */
  params: MergeParams;
  config: ClipVisionConfig;
  /** The merged model's config.json text. */
  configJson: string;
  /** The `__metadata__` written into model.safetensors. */
  metadata: Record<string, string>;
  inputs: InputRecord[];
  notes: string[];
  /** Passes over the inputs (scans + merge) and stored bytes read over all of them. */
  passes: number;
  bytesRead: number;
  bytesWritten: number;
}

/** The tensors of a merged model.safetensors: every parameter of the pretrained model, in its order, as F32. */
export function mergedFileSpecs(params: readonly ParamSpec[]): TensorSpec[] {
  return params.map((s) => ({ name: s.name, dtype: 'F32', shape: [...s.shape] }));
}

export async function mergeStream(req: MergeRequest | ResolvedRequest, sink: AbortableSink, opts: MergeRunOptions = {}): Promise<MergeResult> {
  let bytesWritten = 0;
  const counting: ByteSink = {
    write: (c) => {
      bytesWritten += c.byteLength;
      return sink.write(c);
    },
    close: () => sink.close(),
  };
  try {
    const r = resolveRequest(req);
    const { pretrained, experts, retrieved: t } = r.request;
    const inputs = await describeInputs(pretrained, experts);
    const m = await openMerge(r, opts, true);
    const metadata = { ...mergeMetadata(r.method.id, r.params, inputs), ...(t !== undefined ? { 'mergelab.retrieved': experts[t].name } : {}) };
    await writeSafetensors(counting, mergedFileSpecs(m.merge.reader.specs), (_, i) => (t === undefined ? m.merge.merged(i) : m.merge.retrieved(i, t)), metadata);
    const p = m.merge.progressNow('write');
    opts.onProgress?.(p);
    return {
      method: r.method.id, params: r.params, config: pretrained.config, configJson: configJsonText(pretrained.config),
      metadata, inputs, notes: mergeNotes(m), passes: p.passes, bytesRead: p.bytesRead, bytesWritten,
    };
  } catch (e) {
    await sink.abort?.();
    throw e;
  }
}
