/**
 * The one merge request every caller sends — the page (through the worker, with the pool by
 * reference), the CLI and the tests: a method id, the parameters the user gave (the others take
 * the method's defaults) and the pool. It is resolved here, once per run, into everything the run
 * needs: the method, its full parameters, its plan, the pool check (throws CheckpointMismatchError
 * listing every problem) and the notes the user should see whatever the outcome. The resolved
 * parameters come back in every run's result for display.
 */
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { MergelabError } from '../errors';
import { assertPool, checkPool } from '../model/clip-vit/pool';
import { resolveParams } from './params';
import { getMethod } from './registry';
import type { MergeMethod, MergeParams, MergePlan, ParamValue } from './types';

/** The method part of a request: what the user chose, before defaults. */
export interface MergeChoice {
  /** A method id (registry.ts). */
  method: string;
  /** Parameters by name, as the user gave them; missing ones take the method's defaults. */
  params?: Readonly<Record<string, ParamValue>>;
}

export interface MergeRequest extends MergeChoice {
  pretrained: Checkpoint;
  experts: readonly Checkpoint[];
  /**
   * Consensus only: produce expert `retrieved`'s (0-based) TALL-mask retrieved model
   * θ0 + mt ⊙ τ_MTL instead of the merge (arXiv 2405.07813 §3.2: one merged vector plus a binary
   * mask per task reconstructs each task's model; no α).
   */
  retrieved?: number;
}

/** A choice resolved against the method's schema (no checkpoints needed). */
export interface ResolvedChoice {
  method: MergeMethod;
  params: MergeParams;
  plan: MergePlan;
}

export interface ResolvedRequest extends ResolvedChoice {
  /** The request as it was sent. */
  request: MergeRequest;
  notes: string[];
}

/**
 * Validates a method choice and fills in its defaults (usage errors name the parameter). The CLI
 * calls it before any work so a typo fails at once; runs call it through resolveRequest.
 */
export function resolveChoice(choice: MergeChoice): ResolvedChoice {
  const method = getMethod(choice.method);
  const params = resolveParams(method, choice.params ?? {});
  return { method, params, plan: method.plan(params) };
}

const isResolved = (r: MergeRequest | ResolvedRequest): r is ResolvedRequest => 'request' in r && 'plan' in r;

/** Resolves a request; one resolved already (a caller that checked it before touching its output) passes through. */
export function resolveRequest(req: MergeRequest | ResolvedRequest): ResolvedRequest {
  if (isResolved(req)) return req;
  const { method, params, plan } = resolveChoice(req);
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
  return { request: req, method, params, plan, notes };
}

/** Notes known only after a full pass: experts whose task vector is zero. */
export function identityNotes(names: readonly string[]): string[] {
  return names.map((n) => `Expert "${n}" is identical to the pretrained model: its task vector is zero, so it adds nothing to the merge (and dilutes an average). Check that you picked the fine-tuned checkpoint.`);
}
