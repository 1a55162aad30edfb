/**
 * A merge request (pretrained + experts + method + parameters) resolved into everything a run
 * needs: the method, its full parameters, its plan, the pool check (throws CheckpointMismatchError
 * listing every problem) and the notes the user should see whatever the outcome.
 */
import type { Checkpoint } from '../model/clip-vit/checkpoint';
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
