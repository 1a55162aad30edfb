/**
 * Typed errors of task suites and datasets. Each names the file (or tensor) at fault and says what
 * to do; the UI shows message then hint, the CLI prints both.
 */
import { MergelabError } from '../errors';

/** A suite folder is incomplete or inconsistent (manifest, missing files, heads vs classes). */
export class SuiteError extends MergelabError {
  constructor(file: string, problem: string, hint = 'Check the suite folder against the layout in the README (manifest.json, models/, heads.safetensors, data/<task>/).') {
    super('suite', `${file}: ${problem}`, hint);
    this.name = 'SuiteError';
  }
}

/** A task's images or labels cannot be used (wrong dtype or shape, undecodable image, empty folder). */
export class DataError extends MergelabError {
  constructor(file: string, problem: string, hint: string) {
    super('data', `${file}: ${problem}`, hint);
    this.name = 'DataError';
  }
}
