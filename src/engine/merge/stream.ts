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
import { configJsonText, describeInputs, mergeMetadata, type InputRecord } from './metadata';
import { identityNotes, resolveRequest, type MergeRequest } from './request';
import { TaskVectorMerge, type MergeRunOptions } from './task-vector-merge';
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

export async function mergeStream(req: MergeRequest, sink: AbortableSink, opts: MergeRunOptions = {}): Promise<MergeResult> {
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
    const inputs = await describeInputs(req.pretrained, req.experts);
    const merge = new TaskVectorMerge(req.pretrained, req.experts, r.plan, opts, true);
    await merge.prepare({ wholeModel: true });
    const t = req.retrieved;
    const metadata = { ...mergeMetadata(r.method.id, r.params, inputs), ...(t !== undefined ? { 'mergelab.retrieved': req.experts[t].name } : {}) };
    const specs: TensorSpec[] = merge.reader.specs.map((s) => ({ name: s.name, dtype: 'F32', shape: [...s.shape] }));
    await writeSafetensors(counting, specs, (_, i) => (t === undefined ? merge.merged(i) : merge.retrieved(i, t)), metadata);
    const p = merge.progressNow('write');
    opts.onProgress?.(p);
    return {
      method: r.method.id, params: r.params, config: req.pretrained.config, configJson: configJsonText(req.pretrained.config),
      metadata, inputs, notes: [...r.notes, ...identityNotes(merge.reader.identicalExperts())],
      passes: p.passes, bytesRead: p.bytesRead, bytesWritten,
    };
  } catch (e) {
    await sink.abort?.();
    throw e;
  }
}
