/**
 * The trained methods' implementations, paired with their catalogue entries (catalogue/index.ts
 * lists the descriptors without tfjs). A new trained method is one file here exporting its
 * TrainedImplementation and one line in this list, plus its descriptor in the catalogue.
 */
import { getTrainedMethod } from '../catalogue';
import { MergelabError } from '../errors';
import { adamergingMethod } from './adamerging';
import { intervmergeMethod } from './intervmerge';
import { surgeryMethod } from './surgery';
import { tintingMethod } from './tinting';
import type { TrainedImplementation } from './types';

export const TRAINED_IMPLEMENTATIONS: readonly TrainedImplementation[] = [adamergingMethod, surgeryMethod, intervmergeMethod, tintingMethod];

/** The implementation of a catalogue id (a usage error for an unknown id, an engine error for one without an implementation). */
export function trainedImplementation(id: string): TrainedImplementation {
  const descriptor = getTrainedMethod(id);
  const impl = TRAINED_IMPLEMENTATIONS.find((m) => m.descriptor === descriptor);
  if (!impl) throw new MergelabError('engine', `the trained method "${id}" has no implementation.`, 'Add it to TRAINED_IMPLEMENTATIONS in trained/registry.ts.');
  return impl;
}
