/**
 * A prepared merge: the request resolved once and the scan passes its method needs already run.
 * Callers take it tensor by tensor — the merged weights (in-memory.ts, stream.ts), the TIES
 * "selected entries" per task (AdaMerging++) or consensus's per-task retrieved models
 * θ0 + mt ⊙ τ_MTL. A whole-model merge (every tensor once, in order) reads its inputs into reused
 * buffers and lets TIES defer its second scan (run-options.ts deferBytes).
 */
import { identityNotes, resolveRequest, type MergeRequest, type ResolvedRequest } from './request';
import { TaskVectorMerge, type MergeRunOptions } from './task-vector-merge';

export interface OpenMerge extends ResolvedRequest {
  merge: TaskVectorMerge;
}

export async function openMerge(req: MergeRequest | ResolvedRequest, opts: MergeRunOptions = {}, wholeModel = false): Promise<OpenMerge> {
  const resolved = resolveRequest(req);
  const { pretrained, experts } = resolved.request;
  const merge = new TaskVectorMerge(pretrained, experts, resolved.plan, opts, wholeModel);
  await merge.prepare({ wholeModel });
  return { ...resolved, merge };
}

/** The request's notes and, after the merge pass, the experts found equal to the pretrained model. */
export function mergeNotes(m: OpenMerge): string[] {
  return [...m.notes, ...identityNotes(m.merge.reader.identicalExperts())];
}
