// The catalogue's trained methods: unique ids, every schema's defaults are the papers' (AdaMerging
// arXiv:2310.02575, Surgery arXiv:2402.02705, IntervMerge, Tinting arXiv:2412.19098) and valid, the quick preset is valid and shorter, unknown ids and bad values are usage errors.
import { describe, expect, it } from 'vitest';
import { MergelabError } from '../errors';
import { TRAINED_METHODS, getTrainedMethod, resolveTrainedParams } from '.';

describe('trained-method registry', () => {
  it('lists each method once, each describing itself', () => {
    expect(TRAINED_METHODS.map((m) => m.id)).toEqual(['adamerging', 'surgery', 'intervmerge', 'tinting']);
    for (const m of TRAINED_METHODS) {
      expect(m.paper.url).toMatch(/^https:\/\/arxiv\.org\/abs\/\d{4}\.\d{5}$/);
      expect(m.label.length && m.summary.length).toBeGreaterThan(0);
      for (const f of m.params) expect(f.help.length, `${m.id}.${f.name}`).toBeGreaterThan(10);
    }
  });

  it('defaults to the papers\' settings and schedules', () => {
    expect(resolveTrainedParams('adamerging')).toEqual({ granularity: 'layer', plus: false, k: 20, iterations: 500, lr: 1e-3 });
    expect(resolveTrainedParams('surgery')).toEqual({ rank: 16, iterations: 500, lr: 1e-3 });
    expect(resolveTrainedParams('intervmerge')).toEqual({ rank: 1, variant: 'full', iterations: 500, lr: 1e-3, trainCoefficients: false });
    expect(resolveTrainedParams('tinting')).toEqual({ layer: 'head', filter: true, iterations: 500, lr: 1e-2 });
  });

  it('has a valid, shorter quick preset, overridable by the user', () => {
    for (const m of TRAINED_METHODS) {
      const q = resolveTrainedParams(m, {}, 'quick');
      expect(m.totalSteps(q, 8), m.id).toBeLessThan(m.totalSteps(resolveTrainedParams(m), 8));
      expect(resolveTrainedParams(m, { iterations: 7 }, 'quick').iterations).toBe(7);
    }
  });

  it('rejects unknown methods and values with usage errors', () => {
    expect(() => getTrainedMethod('adamergin')).toThrow(MergelabError);
    expect(() => getTrainedMethod('adamergin')).toThrow(/unknown trained method "adamergin"/);
    expect(() => resolveTrainedParams('tinting', { layer: 'fc1' })).toThrow(/tinting: layer = "fc1" is not valid/);
    expect(() => resolveTrainedParams('surgery', { iterations: 1.5 })).toThrow(/iterations = 1.5 is not valid/);
  });
});
