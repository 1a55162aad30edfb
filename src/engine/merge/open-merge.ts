/**
 * A prepared merge for callers that need more than the merged weights: the TIES "selected entries"
 * per task (AdaMerging++) and the consensus per-task retrieved models θ0 + mt ⊙ τ_MTL, tensor by
 * tensor. The scan passes the method needs have already run when this resolves.
 */
import { resolveRequest, type MergeRequest, type ResolvedRequest } from './request';
import { TaskVectorMerge, type MergeRunOptions } from './task-vector-merge';

export interface OpenMerge extends ResolvedRequest {
  merge: TaskVectorMerge;
}

export async function openMerge(req: MergeRequest, opts: MergeRunOptions = {}): Promise<OpenMerge> {
  const resolved = resolveRequest(req);
  const merge = new TaskVectorMerge(req.pretrained, req.experts, resolved.plan, opts);
  await merge.prepare();
  return { ...resolved, merge };
}
