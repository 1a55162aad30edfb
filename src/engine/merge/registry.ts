/**
 * The merge methods, as an explicit list (no registration by import side effects). A new method
 * is one file in methods/ and one line here.
 */
import { MergelabError } from '../errors';
import { average } from './methods/average';
import { consensus } from './methods/consensus';
import { dare } from './methods/dare';
import { taskArithmetic } from './methods/task-arithmetic';
import { ties } from './methods/ties';
import type { MergeMethod } from './types';

export const METHODS: readonly MergeMethod[] = [average, taskArithmetic, ties, dare, consensus];

/** The method with this id, or a usage error listing the ids. */
export function getMethod(id: string): MergeMethod {
  const m = METHODS.find((x) => x.id === id);
  if (!m) throw new MergelabError('usage', `unknown merge method "${id}".`, `Use one of: ${METHODS.map((x) => x.id).join(', ')}.`);
  return m;
}
