/**
 * The shape of a standard task of the CLIP merging benchmarks: class names and prompt templates as
 * FusionBench uses them ("{}" marks the class: FusionBench's `lambda c: f"… {c} …"` converted),
 * the names users and the Hub give it, the Hugging Face test split FusionBench evaluates on, and
 * published ViT-B/32 accuracies with their source.
 */

export interface PublishedAccuracy {
  /** Method as the source names it: "pretrained", "individual", "Task Arithmetic", "TIES-Merging", … */
  method: string;
  /** Top-1 accuracy in percent on this task's test split. */
  accuracy: number;
  /** Where the number is printed (paper and table, or documentation page). */
  source: string;
  /** Which experts the number is for: FusionBench's Hugging Face re-trains or the task_vectors checkpoints (never compare across). */
  checkpoints: 'fusionbench' | 'task_vectors';
}

/** A task as its file declares it. */
export interface TaskSpec {
  /** Canonical name, also the head and manifest name ("sun397"). */
  name: string;
  /** Human-readable name ("SUN397"). */
  title: string;
  classes: readonly string[];
  /** Prompt templates, "{}" marks the class name. */
  templates: readonly string[];
  /** Other names a folder, dataset or expert checkpoint may carry (lower case). */
  aliases: readonly string[];
  /** The Hugging Face dataset FusionBench evaluates on, its configuration when it has several, and the test split size (null: not checked). */
  hub: { dataset: string; config?: string; testSize: number | null };
  /** The FusionBench source file of `classes` and `templates`. */
  source: string;
}

/** A task of the registry: its file's declaration and every published number for it (published.ts). */
export interface StandardTask extends TaskSpec {
  published: readonly PublishedAccuracy[];
}

