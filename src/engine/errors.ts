/**
 * Typed errors with messages a user can act on. Every error says what went wrong, where (file,
 * tensor) and what to do. The UI shows `message` then `hint`; the CLI prints both.
 */
export class MergelabError extends Error {
  /** Machine-readable kind, stable across versions (used by the UI and tests). */
  readonly code: string;
  /** What the user can do about it. */
  readonly hint: string;
  constructor(code: string, message: string, hint = '') {
    super(message);
    this.name = 'MergelabError';
    this.code = code;
    this.hint = hint;
  }
  /** Plain data that survives postMessage/structured clone. */
  toJSON(): ErrorInfo {
    return { name: this.name, code: this.code, message: this.message, hint: this.hint };
  }
}

export interface ErrorInfo {
  name: string;
  code: string;
  message: string;
  hint: string;
}

/** A safetensors file (or index) is malformed. */
export class SafetensorsError extends MergelabError {
  constructor(file: string, problem: string, hint = 'Re-export the file with the safetensors library, or check that the download is complete.') {
    super('safetensors', `${file}: ${problem}`, hint);
    this.name = 'SafetensorsError';
  }
}

/** A checkpoint could not be recognised as a CLIP vision model. */
export class CheckpointError extends MergelabError {
  constructor(file: string, problem: string, hint = 'Use a Hugging Face CLIP vision checkpoint (config.json + model.safetensors) or an open_clip visual state dict.') {
    super('checkpoint', `${file}: ${problem}`, hint);
    this.name = 'CheckpointError';
  }
}

/** Checkpoints in a pool (or a checkpoint and its config) disagree. Lists every problem at once. */
export class CheckpointMismatchError extends MergelabError {
  readonly problems: string[];
  constructor(what: string, problems: string[], hint = 'All models in a pool must share one architecture: fine-tune every expert from the same pretrained checkpoint.') {
    super('mismatch', `${what}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n- ${problems.join('\n- ')}`, hint);
    this.name = 'CheckpointMismatchError';
    this.problems = problems;
  }
}

/** A long-running operation was cancelled by the user. */
export class CancelledError extends MergelabError {
  constructor(what = 'operation') {
    super('cancelled', `The ${what} was cancelled.`, 'Start it again when you are ready; nothing was changed.');
    this.name = 'CancelledError';
  }
}

/** Turns anything thrown into plain data for the UI/CLI. */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof MergelabError) return e.toJSON();
  if (e instanceof Error) return { name: e.name, code: 'internal', message: e.message, hint: '' };
  return { name: 'Error', code: 'internal', message: String(e), hint: '' };
}
