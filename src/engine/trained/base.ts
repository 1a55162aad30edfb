/** The base merge a correction needs from its BuildContext (every correction sits on one). */
import { MergelabError } from '../errors';
import type { BaseMerge, BuildContext } from './types';

export function requireBase(ctx: BuildContext, method: string): BaseMerge {
  if (!ctx.base) throw new MergelabError('engine', `${method}: a correction needs a base merge.`, 'Build it with the run\'s base merge in its context.');
  return ctx.base;
}
