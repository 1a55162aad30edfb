/**
 * The trained methods' implementation contract. Each method (its descriptor in
 * catalogue/trained/) builds itself from one BuildContext, the suite's data and the run's base
 * merge, into a TrainedModel: a Trainer for the shared loop (train/loop.ts) that can also predict.
 * "Base merge" is one concept: closed-form weights, or a trained base (AdaMerging) whose merge
 * coefficients a correction may continue or train further.
 */
import type { Suite } from '../data/suite';
import type { Representations } from '../eval/bias';
import type { ModelInput } from '../eval/evaluate';
import type { Features } from '../eval/features';
import type { TrainedDescriptor, TrainedParams } from '../catalogue/types';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import type { ClassificationHead } from '../model/heads';
import type { ParamMap } from '../params/param-map';
import type { Rng } from '../random';
import type { PixelBank } from '../train/data';
import type { Trainer } from '../train/loop';
import type { MergeCoefficients } from './coefficients';

export type { TaskShape, TrainedParams } from '../catalogue/types';

/** The base merge a correction sits on: its weights, their cache key, and a trained base's coefficients. */
export interface BaseMerge {
  method: string;
  params: TrainedParams;
  /** The merged weights (owned by the run). */
  weights: ParamMap;
  /** Identifies the weights for the evaluator's feature cache. */
  key: string;
  /** The merge coefficients a trained base learnt (AdaMerging), or null for a closed-form merge. */
  coefficients: MergeCoefficients | null;
}

/** Everything a trained method builds itself from. */
export interface BuildContext {
  suite: Suite;
  /** Task names, in the suite's order. */
  names: readonly string[];
  config: ClipVisionConfig;
  heads: readonly ClassificationHead[];
  logitScale: number;
  /** This method's own random stream (forked from the run's seed). */
  rng: Rng;
  /** Images of each task whose representations the final model keeps (0: none). */
  hiddenImages: number;
  /** The unlabeled test images of every task as pixel banks (loaded once per run). */
  pixelBanks(): Promise<PixelBank[]>;
  /** The experts' (individual models') cached features of every task. */
  individual(): Promise<Features[]>;
  /** A frozen model's features of task t (with every image's hidden states when they are kept anyway). */
  frozenFeatures(model: ModelInput, t: number): Promise<Features>;
  /** A frozen model's representations of task t's first hiddenImages images. */
  frozenHidden(model: ModelInput, t: number): Promise<Features>;
  /** A note for the user (e.g. a base merge the method does not use). */
  note(text: string): void;
  /** The run's base merge, for a correction; null while a trained base builds itself. */
  base: BaseMerge | null;
}

/** A trained method's implementation: its catalogue entry and how it builds. */
export interface TrainedImplementation {
  descriptor: TrainedDescriptor;
  build(ctx: BuildContext, params: TrainedParams): Promise<TrainedModel>;
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
  /**
   * The merge coefficients it trains, or null: a trained base's own (required for kind 'merge':
   * the base's weights come from them), Tinting's layer-wise set, IntervMerge's base λ when it
   * trains them jointly (the same object as the base's).
   */
  readonly coefficients?: MergeCoefficients | null;
  /** Top-1 class per evaluation image of `task` (the same test images it trained on, unlabelled). */
  predict(task: string): Promise<Int32Array>;
  /** The final model's outputs on `task`'s images (see FinalOutputs): the scoring pass of a run, which also feeds its kept artefacts. */
  outputs(task: string, hiddenImages: number): Promise<FinalOutputs>;
  /** Every tensor the method trains, under the names its file documents (copies, read asynchronously; the model stays usable). */
  modules(): Promise<NamedTensor[]>;
}
