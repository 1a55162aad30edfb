/**
 * A merge request (pretrained + experts + method + parameters) resolved into everything a run
 * needs: the method, its full parameters, its plan, the pool check (throws CheckpointMismatchError
 * listing every problem) and the notes the user should see whatever the outcome.
 */
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { MergelabError } from '../errors';
import { assertPool, checkPool } from '../model/clip-vit/pool';
import { resolveParams } from './params';
import { getMethod } from './registry';
import type { MergeMethod, MergeParams, MergePlan, ParamValue } from './types';

export interface MergeRequest {
  pretrained: Checkpoint;
  experts: readonly Checkpoint[];
  /** A method id (registry.ts). */
  method: string;
  /** Parameters by name; missing ones take the method's defaults. */
  params?: Readonly<Record<string, ParamValue>>;
  /**
   * Consensus only: produce expert `retrieved`'s (0-based) TALL-mask retrieved model
   * θ0 + mt ⊙ τ_MTL instead of the merge (arXiv 2405.07813 §3.2: one merged vector plus a binary
   * mask per task reconstructs each task's model; no α).
   */
  retrieved?: number;
}

export interface ResolvedRequest {
  method: MergeMethod;
  params: MergeParams;
  plan: MergePlan;
  notes: string[];
}

export function resolveRequest(req: MergeRequest): ResolvedRequest {
  const method = getMethod(req.method);
  const params = resolveParams(method, req.params ?? {});
  const plan = method.plan(params);
  const pool = checkPool(req.pretrained, [...req.experts]);
  if (!pool.ok) assertPool(req.pretrained, [...req.experts]);
  if (req.retrieved !== undefined) {
    if (!plan.consensus) throw new MergelabError('usage', `${method.id} has no per-task retrieved models.`, 'Retrieved models come from TALL masks: use --method consensus.');
    const n = req.experts.length;
    if (!Number.isInteger(req.retrieved) || req.retrieved < 0 || req.retrieved >= n) {
      throw new MergelabError('usage', `there is no expert ${req.retrieved + 1} to retrieve (the pool has ${n}).`, `Pick an expert from 1 to ${n}, or by name: ${req.experts.map((e) => e.name).join(', ')}.`);
    }
  }
  const notes = [...pool.notes];
  if (plan.consensus && plan.consensus.k > req.experts.length) {
    notes.push(`Consensus k = ${plan.consensus.k} is more than the ${req.experts.length} expert(s): no weight can be kept, so the result is the pretrained model. Use k ≤ ${req.experts.length}.`);
  }
  return { method, params, plan, notes };
}

/** Notes known only after a full pass: experts whose task vector is zero. */
export function identityNotes(names: readonly string[]): string[] {
  return names.map((n) => `Expert "${n}" is identical to the pretrained model: its task vector is zero, so it adds nothing to the merge (and dilutes an average). Check that you picked the fine-tuned checkpoint.`);
}
