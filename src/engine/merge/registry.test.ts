/** The registry, method self-descriptions, and parameter defaults/validation/parsing. */
import { describe, expect, it } from 'vitest';
import { VIT_B_32 } from '../model/clip-vit/config';
import { parseParamArgs, resolveParams } from './params';
import { METHODS, getMethod } from './registry';

describe('merge method registry', () => {
  it('lists the five closed-form methods, each describing itself', () => {
    expect(METHODS.map((m) => m.id)).toEqual(['average', 'task_arithmetic', 'ties', 'dare', 'consensus']);
    for (const m of METHODS) {
      expect(m.paper.url).toMatch(/^https:\/\/arxiv\.org\/abs\/\d{4}\.\d{5}$/);
      expect(m.label.length).toBeGreaterThan(3);
      expect(m.trainableParamCount(VIT_B_32)).toBe(0);
      for (const f of m.params) {
        expect(f.help.length, `${m.id}.${f.name}`).toBeGreaterThan(10);
        // Every default is itself a valid value.
        expect(resolveParams(m, { [f.name]: f.default })[f.name]).toBe(f.default);
      }
    }
  });

  it('uses the METHODS.md defaults, including those that depend on another parameter', () => {
    expect(resolveParams('task_arithmetic')).toEqual({ lambda: 0.3 });
    expect(resolveParams('ties')).toEqual({ k: 20, lambda: 0.3, aggregate: 'sum' });
    expect(resolveParams('ties', { aggregate: 'mean' })).toEqual({ k: 20, lambda: 1, aggregate: 'mean' });
    expect(resolveParams('ties', { aggregate: 'mean', lambda: 0.5 }).lambda).toBe(0.5);
    expect(resolveParams('dare')).toEqual({ p: 0.5, base: 'task_arithmetic', lambda: 0.3, k: 20, rescale: true, scope: 'all', seed: 0 });
    expect(resolveParams('dare', { base: 'ties' }).lambda).toBe(0.5);
    expect(resolveParams('consensus')).toEqual({ k: 2, lambda_t: 0.6, alpha: 0.3, base: 'task_arithmetic', ties_k: 20, aggregate: 'sum' });
    expect(resolveParams('consensus', { base: 'ties' }).alpha).toBe(0.3); // TIES dis-sum's λ
    expect(resolveParams('consensus', { base: 'ties', aggregate: 'mean' }).alpha).toBe(1); // TIES dis-mean's λ
    expect(resolveParams('consensus', { aggregate: 'mean' }).alpha).toBe(0.3); // aggregate only matters on a TIES base
    expect(resolveParams('consensus', { base: 'ties', aggregate: 'mean', alpha: 0.7 }).alpha).toBe(0.7);
    expect(resolveParams('average')).toEqual({});
  });

  it('plans TIES, DARE and consensus as settings of one routine', () => {
    expect(getMethod('ties').plan(resolveParams('ties'))).toEqual({ trim: { k: 20 }, combine: { kind: 'ties', aggregate: 'sum' }, scale: 0.3 });
    expect(getMethod('dare').plan(resolveParams('dare', { base: 'ties' }))).toEqual({
      dare: { p: 0.5, rescale: true, scope: 'all', seed: 0 }, trim: { k: 20 }, combine: { kind: 'ties', aggregate: 'sum' }, scale: 0.5,
    });
    expect(getMethod('consensus').plan(resolveParams('consensus'))).toEqual({ combine: { kind: 'sum' }, consensus: { lambdaT: 0.6, k: 2 }, scale: 0.3 });
    expect(getMethod('consensus').plan(resolveParams('consensus', { base: 'ties', ties_k: 35, aggregate: 'mean' }))).toEqual({
      trim: { k: 35 }, combine: { kind: 'ties', aggregate: 'mean' }, consensus: { lambdaT: 0.6, k: 2 }, scale: 1,
    });
  });

  it('parses name=value strings and rejects bad ones with the allowed values in the hint', () => {
    expect(parseParamArgs('dare', ['p=0.2', 'rescale=false', 'base=ties', 'seed=7'])).toMatchObject({ p: 0.2, rescale: false, base: 'ties', seed: 7, lambda: 0.5 });
    const fail = (args: string[]) => { try { parseParamArgs('ties', args); } catch (e) { return e as { code: string; message: string; hint: string }; } throw new Error('no error'); };
    expect(fail(['k=200'])).toMatchObject({ code: 'usage', message: 'ties: k = 200 is not valid.', hint: expect.stringMatching(/^k: a number from 1 to 100\./) });
    expect(fail(['aggregate=median']).hint).toMatch(/one of sum, mean/);
    expect(fail(['lambda=abc']).message).toMatch(/lambda = "abc" is not a number/);
    expect(fail(['lambda']).message).toMatch(/not of the form name=value/);
    expect(fail(['k=1', 'k=2']).message).toMatch(/given twice/);
    expect(fail(['p=0.1']).message).toMatch(/unknown parameter "p"/);
    expect(() => parseParamArgs('dare', ['seed=1.5'])).toThrow(/seed = 1.5 is not valid/);
  });
});
