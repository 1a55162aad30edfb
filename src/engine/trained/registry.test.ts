/** Every catalogue entry has exactly one implementation, and every implementation is catalogued. */
import { describe, expect, it } from 'vitest';
import { TRAINED_METHODS } from '../catalogue';
import { MergelabError } from '../errors';
import { TRAINED_IMPLEMENTATIONS, trainedImplementation } from './registry';

describe('trained registry', () => {
  it('pairs each catalogued trained method with one implementation, in both directions', () => {
    for (const d of TRAINED_METHODS) {
      expect(TRAINED_IMPLEMENTATIONS.filter((m) => m.descriptor === d)).toHaveLength(1);
      expect(trainedImplementation(d.id).descriptor).toBe(d);
    }
    for (const m of TRAINED_IMPLEMENTATIONS) expect(TRAINED_METHODS).toContain(m.descriptor);
    expect(new Set(TRAINED_METHODS.map((d) => d.id)).size).toBe(TRAINED_METHODS.length);
  });

  it('refuses an unknown id with a usage error naming the known ones', () => {
    let error: unknown;
    try { trainedImplementation('no-such-method'); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(MergelabError);
    expect((error as MergelabError).code).toBe('usage');
    expect((error as MergelabError).hint).toContain('surgery');
  });
});
