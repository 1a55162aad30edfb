/**
 * The merge methods' catalogue entries: the closed-form methods are plain descriptors already
 * (merge/methods/*.ts, listed by merge/registry.ts, no tfjs), so the catalogue lists them from
 * there and callers above the engine read them through the catalogue.
 */
export { METHODS as MERGE_METHODS, getMethod as getMergeMethod } from '../merge/registry';
export { resolveParams as resolveMergeParams } from '../merge/params';
export type { ParamSchema } from '../merge/params';
export type { FusionBenchMapping, MergeMethod, MethodId, ParamField, ParamValue, Paper } from '../merge/types';
