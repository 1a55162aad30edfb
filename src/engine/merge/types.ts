/**
 * The vocabulary of merge methods: a method describes itself (id, label, paper, parameter schema,
 * trainable-parameter count) and turns its parameters into a MergePlan, the settings of the one
 * generalised task-arithmetic routine (merge/task-vector-merge.ts). All of it is plain data, so it
 * crosses postMessage and feeds the UI form, the CLI and the URL state alike.
 */
import type { ClipVisionConfig } from '../model/clip-vit/config';

/** Method ids, shared by the CLI, the URL state and the UI. */
export type MethodId = 'average' | 'task_arithmetic' | 'ties' | 'dare' | 'consensus';

export type ParamValue = number | boolean | string;
/** Resolved parameters: every schema field present with a valid value. */
export type MergeParams = Record<string, ParamValue>;

/** One parameter of a method's schema; the UI form and the CLI parser are generated from these. */
export interface ParamField {
  name: string;
  label: string;
  type: 'number' | 'integer' | 'boolean' | 'enum';
  default: ParamValue;
  /**
   * Defaults that depend on other parameters, checked in order (first match wins), e.g. DARE's
   * λ is 0.5 when base = ties. Only fields the user did not set take these.
   */
  defaultWhen?: readonly { if: Readonly<Record<string, ParamValue>>; value: ParamValue }[];
  min?: number;
  max?: number;
  step?: number;
  /** For 'enum'. */
  options?: readonly string[];
  help: string;
}

export interface Paper {
  title: string;
  url: string;
}

/**
 * How FusionBench (tanganke/fusion_bench, its Hydra config tree config/method/…) runs a method
 * with these parameters: its `method=` config and overrides, plus notes; or why it cannot.
 */
export type FusionBenchMapping = { method: string; overrides: [string, string][]; notes: string[] } | { unsupported: string };

/**
 * Settings of the generalised task-arithmetic routine. Per task: optional DARE drop/rescale →
 * optional trim (global top-k per task) → combine (sum, or sign election + disjoint merge) →
 * optional TALL/consensus mask → θ0 + scale · merged.
 */
export interface MergePlan {
  dare?: { p: number; rescale: boolean; scope: 'all' | 'linear'; seed: number };
  /** Keep the top k % of |τt| over the whole flattened model, per task (global threshold). */
  trim?: { k: number };
  /** 'sum': Σt τt. 'ties': sign election by mass + disjoint merge (sum or mean of agreeing entries). */
  combine: { kind: 'sum' } | { kind: 'ties'; aggregate: 'sum' | 'mean' };
  /** TALL masks mt = 1{|τt| > λt·|τ_MTL − τt|}; consensus keeps entries with Σt mt ≥ k. */
  consensus?: { lambdaT: number; k: number };
  /** λ (or α): θ = θ0 + scale · merged. Weight averaging is scale 1/T on a sum. */
  scale: number | 'mean';
}

export interface MergeMethod {
  id: MethodId;
  label: string;
  paper: Paper;
  /** One or two sentences for the UI. */
  summary: string;
  params: readonly ParamField[];
  /** Parameters trained by the method (0 for every closed-form merge). */
  trainableParamCount(config: ClipVisionConfig): number;
  /** The generalised routine's settings for resolved parameters. */
  plan(params: MergeParams): MergePlan;
  /** FusionBench's config for resolved parameters; absent where FusionBench has none. */
  fusionBench?(params: MergeParams): FusionBenchMapping;
}
