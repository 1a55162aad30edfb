/** Typed errors of the PyTorch pickle reader (the safe unpickler, the zip reader, the tensor views). */
import { MergelabError } from '../../errors';

const CONVERT_HINT = 'Re-save the checkpoint (torch.save(model.state_dict(), path)) or convert it to safetensors, then load it again.';

/** The file is not a readable PyTorch checkpoint: truncated, malformed, or a feature mergelab does not read. */
export class PickleError extends MergelabError {
  constructor(file: string, problem: string, hint = CONVERT_HINT) {
    super('pickle', `${file}: ${problem}`, hint);
    this.name = 'PickleError';
  }
}

/**
 * The pickle asks to call or build something outside the allow-list (os.system, eval, an unknown
 * module's function, …). Nothing was called: the reader interprets, it never executes.
 */
export class UnsafePickleError extends MergelabError {
  /** The offending global, "module.name". */
  readonly global: string;
  constructor(file: string, global: string, how: string) {
    super('unsafe-pickle',
      `${file}: the pickle ${how} ${global}, which is not a tensor rebuild or a known container. The file is unsafe (it would run code when loaded with torch.load); nothing was executed.`,
      'Do not load this file in Python either. If it is your own checkpoint, save only the state dict: torch.save(model.state_dict(), path).');
    this.name = 'UnsafePickleError';
    this.global = global;
  }
}
