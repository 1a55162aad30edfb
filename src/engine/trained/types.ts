/**
 * The vocabulary of the trained methods (METHODS.md §6–9): each describes itself like a merge
 * method (id, label, paper, a parameter schema in merge/types.ts's ParamField format so the same
 * form generator and parser serve both, a "quick" teaching preset, trainableParamCount and the
 * schedule length) and builds a TrainedModel: a Trainer for the shared loop (train/loop.ts) that
 * can also predict. All descriptors are plain data apart from their functions.
 */
import type { Representations } from '../eval/bias';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import type { Paper, ParamField, ParamValue } from '../merge/types';
import type { Trainer } from '../train/loop';

export type TrainedMethodId = 'adamerging' | 'surgery' | 'intervmerge' | 'tinting';
export type TrainedParams = Record<string, ParamValue>;

/** What a parameter count needs to know about a task. */
export interface TaskShape {
  name: string;
  numClasses: number;
}

export interface TrainedMethod {
  id: TrainedMethodId;
  /** 'merge': produces merged weights (AdaMerging); 'correction': sits on top of a merge. */
  kind: 'merge' | 'correction';
  label: string;
  paper: Paper;
  summary: string;
  /** Defaults are the papers' schedules (METHODS.md). */
  params: readonly ParamField[];
  /** Overrides for the short "quick" schedule meant for teaching (seconds, not hours). */
  quick: Readonly<Record<string, ParamValue>>;
  /**
   * Parameters the method trains for this architecture and these tasks. `coefficientTensors`: how
   * many parameter tensors carry a merge coefficient (default: every tensor of the architecture;
   * fewer when some tensor's task vectors are all zero, coefficients.ts liveTensors).
   */
  trainableParamCount(params: TrainedParams, config: ClipVisionConfig, tasks: readonly TaskShape[], coefficientTensors?: number): number;
  /** Optimiser steps of the schedule for T tasks. */
  totalSteps(params: TrainedParams, tasks: number): number;
}

/** A trainable tensor of a run, as it goes into the kept modules file (modules.ts). */
export interface NamedTensor {
  /** e.g. "surgery.<task>.down"; every method file documents its names. */
  name: string;
  shape: number[];
  values: Float32Array;
}

/**
 * What the final (trained) model gives on a task's n evaluation images, in one pass: z [n, P]
 * (the final image feature, not normalised: for Surgery the corrected ẑ), the top-1 class of each
 * image [n], and, when asked, the representations of the first m = min(n, hiddenImages) images
 * (CLS after every block, L + 1 arrays [m, D], plus their z [m, P]); null when hiddenImages is 0.
 */
export interface FinalOutputs {
  n: number;
  dim: number;
  z: Float32Array;
  predictions: Int32Array;
  hidden: Representations | null;
}

/** A trained method bound to its data: trains through the loop, then predicts. */
export interface TrainedModel extends Trainer {
  /** Top-1 class per evaluation image of `task` (the same test images it trained on, unlabelled). */
  predict(task: string): Promise<Int32Array>;
  /** The final model's outputs on `task`'s images (see FinalOutputs): the scoring pass of a run, which also feeds its kept artefacts. */
  outputs(task: string, hiddenImages: number): Promise<FinalOutputs>;
  /** Every tensor the method trains, under the names its file documents (copies; the model stays usable). */
  modules(): NamedTensor[];
}
