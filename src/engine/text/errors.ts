/**
 * Typed errors of the text side (tokenizer files, text configs). Each names the file at fault and
 * says what to do; the UI shows message then hint, the CLI prints both.
 */
import { MergelabError } from '../errors';

/** A model folder's tokenizer files are missing, unreadable or inconsistent. */
export class TokenizerError extends MergelabError {
  constructor(file: string, problem: string, hint: string) {
    super('tokenizer', `${file}: ${problem}`, hint);
    this.name = 'TokenizerError';
  }
}
