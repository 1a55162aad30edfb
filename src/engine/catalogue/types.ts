/**
 * The vocabulary of the method catalogue's trained entries: each describes itself like a merge
 * method (id, label, paper, a parameter schema in merge/types.ts's ParamField format so the same
 * form generator and parser serve both, a "quick" teaching preset, trainableParamCount and the
 * schedule length) plus what it can do as plain flags, so ui, state, URL codec and CLI decide by
 * data instead of by id. Plain data apart from pure arithmetic functions: no tfjs here.
 */
import type { ClipVisionConfig } from '../model/clip-vit/config';
import type { FusionBenchMapping, Paper, ParamField, ParamValue } from '../merge/types';

export type TrainedParams = Record<string, ParamValue>;

/** Defaults of the trained methods: the papers' schedules, or the short teaching one. */
export type Preset = 'paper' | 'quick';
export const PRESETS: readonly Preset[] = ['paper', 'quick'];
/** The engine's default preset (the CLI's and the results script's); the page asks for 'quick' explicitly. */
export const DEFAULT_PRESET: Preset = 'paper';

/** What a parameter count needs to know about a task. */
export interface TaskShape {
  name: string;
  numClasses: number;
}

export interface TrainedDescriptor {
  id: string;
  /** 'merge': produces merged weights, so it can be a run's base merge (AdaMerging); 'correction': sits on top of a base merge. */
  kind: 'merge' | 'correction';
  label: string;
  paper: Paper;
  summary: string;
  /** Defaults are the papers' schedules. */
  params: readonly ParamField[];
  /** Overrides for the short "quick" schedule meant for teaching (seconds, not hours). */
  quick: Readonly<Record<string, ParamValue>>;
  /** A base merge that can run with given merge coefficients (exported by the lab, or published) instead of training them. */
  importsCoefficients?: boolean;
  /**
   * A correction that continues a trained base's merge coefficients as its own (one trained set),
   * so a run counts them once, under the correction.
   */
  continuesBaseCoefficients?: boolean;
  /** FusionBench's config for a run of this method alone with these parameters; absent where FusionBench has none. */
  fusionBench?(params: TrainedParams): FusionBenchMapping;
  /** A short label of a base merge run with these parameters (`loaded`: with given coefficients). */
  runLabel?(params: TrainedParams, loaded: boolean): string;
  /**
   * Parameters the method trains for this architecture and these tasks. `coefficientTensors`: how
   * many parameter tensors carry a merge coefficient (default: every tensor of the architecture;
   * fewer when some tensor's task vectors are all zero).
   */
  trainableParamCount(params: TrainedParams, config: ClipVisionConfig, tasks: readonly TaskShape[], coefficientTensors?: number): number;
  /** Optimiser steps of the schedule for T tasks. */
  totalSteps(params: TrainedParams, tasks: number): number;
}
