/**
 * The URL codec: decode(encode(s)) = s over random valid states (seeded), a golden link, unknown
 * fields ignored with a notice, every bad value named and the rest kept, future versions refused.
 */
import { describe, expect, it } from 'vitest';
import { TRAINED_METHODS, getTrainedMethod } from '../../engine/catalogue';
import { METHODS, getMethod } from '../../engine/merge/registry';
import type { ParamField, ParamValue } from '../../engine/merge/types';
import { createRng, type Rng } from '../../engine/random';
import { DEFAULT_URL_STATE, HIDEABLE, VIEWS, decodeUrlState, encodeUrlState, type UrlState } from './codec';

const pick = <T,>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)];
const subset = <T,>(rng: Rng, xs: readonly T[]): T[] => xs.filter(() => rng.next() < 0.4);

function value(rng: Rng, f: ParamField): ParamValue {
  if (f.type === 'enum') return pick(rng, f.options!);
  if (f.type === 'boolean') return rng.next() < 0.5;
  const lo = f.min ?? 0;
  const hi = Math.min(f.max ?? lo + 1000, lo + 1e6);
  return f.type === 'integer' ? Math.ceil(lo) + rng.int(Math.floor(hi) - Math.ceil(lo) + 1) : lo + rng.next() * (hi - lo);
}
const given = (rng: Rng, fields: readonly ParamField[]) => Object.fromEntries(subset(rng, fields).map((f) => [f.name, value(rng, f)]));

function randomState(rng: Rng): UrlState {
  const method = pick(rng, METHODS);
  const base = pick(rng, ['adamerging', ...METHODS.map((m) => m.id)]);
  const correction = pick(rng, [null, ...TRAINED_METHODS.filter((m) => m.kind === 'correction').map((m) => m.id)]);
  const names = ['digits', 'signs', 'a b', 'x,y', 'ü&=#', 'scenes'];
  const tasks = subset(rng, names);
  const lesson = rng.next() < 0.5 ? { id: pick(rng, ['tv-lambda', 'why-merge', 'x1']), step: rng.int(5) } : null;
  return {
    suite: pick(rng, [null, { kind: 'demo' } as const, { kind: 'files', name: pick(rng, ['my suite', 'a&b=c', 'mini8']) } as const]),
    merge: { method: method.id, given: given(rng, method.params), evalLimit: pick(rng, [null, 50, 100, 300, 7]) },
    tasks: tasks.length >= 2 ? tasks : null,
    lambda: pick(rng, [0.3, 0, 1.5, rng.next() * 1.5]),
    train: {
      base, baseGiven: given(rng, base === 'adamerging' ? getTrainedMethod('adamerging').params : getMethod(base).params),
      correction, given: correction ? given(rng, getTrainedMethod(correction).params) : {},
      preset: pick(rng, ['quick', 'paper'] as const), limit: pick(rng, [null, 100, 16]), evalEvery: pick(rng, [0, 100, 25]),
    },
    explorer: {
      limit: pick(rng, [100, 50, 300]), budget: pick(rng, [5000, 'all', 2000] as const), metric: pick(rng, ['l1', 'cosine'] as const),
      task: pick(rng, ['all', 'digits', 'a b']), colorBy: pick(rng, ['task', 'class', 'correct'] as const), pair: rng.next() < 0.5,
    },
    open: subset(rng, VIEWS),
    lesson,
    hidden: subset(rng, HIDEABLE),
  };
}

describe('URL state codec', () => {
  it('round-trips 500 random valid states', () => {
    const rng = createRng(7);
    for (let i = 0; i < 500; i++) {
      const s = randomState(rng);
      const hash = encodeUrlState(s);
      const { state, notices } = decodeUrlState(`#${hash}`);
      expect(state, hash).toEqual(s);
      // Only a files suite says something (it cannot be re-opened from a link).
      expect(notices.length, hash).toBe(s.suite?.kind === 'files' ? 1 : 0);
    }
  });

  it('writes the defaults as just the version, and a readable link for a lesson (golden)', () => {
    expect(encodeUrlState(DEFAULT_URL_STATE)).toBe('v=1');
    const s: UrlState = {
      ...structuredClone(DEFAULT_URL_STATE), suite: { kind: 'demo' },
      merge: { method: 'ties', given: { k: 20, aggregate: 'mean' }, evalLimit: 100 },
      tasks: ['digits', 'signs'], lambda: 0.5, open: ['lessons'], lesson: { id: 'ties', step: 1 }, hidden: ['models', 'train'],
    };
    expect(encodeUrlState(s)).toBe('v=1&suite=demo&m=ties&p.k=20&p.aggregate=mean&eval=100&t=digits&t=signs&lam=0.5&open=lessons&lesson=ties&step=2&hide=models,train');
    expect(decodeUrlState('')).toEqual({ state: DEFAULT_URL_STATE, notices: [], present: [] });
    expect(decodeUrlState(`#${encodeUrlState(s)}`).present).toEqual(['suite', 'merge', 'evalLimit', 'tasks', 'lambda', 'open', 'lesson', 'hidden']);
    expect(decodeUrlState('#v=1&cp.rank=4&hide=').present).toEqual(['train', 'hidden']);
  });

  it('ignores unknown fields with a notice that names them', () => {
    const { state, notices } = decodeUrlState('#v=1&m=ties&colour=red&zoom=2');
    expect(state.merge.method).toBe('ties');
    expect(notices).toEqual(['Link fields "colour", "zoom" are not known to this version and were ignored.']);
  });

  it('names each bad value and keeps the default for that field only', () => {
    const { state, notices } = decodeUrlState('#v=1&m=nope&p.lambda=0.7&eval=-3&lam=9&tb=ties&bp.k=500&tc=x&preset=fast&tlimit=0&tevery=a&xl=0&xb=many&xm=l2&xc=hue&xp=yes&open=zoo&hide=models,nav&t=only&lesson=why-merge&step=0', { lessonIds: ['why-merge'] });
    expect(state.merge).toEqual({ method: 'task_arithmetic', given: { lambda: 0.7 }, evalLimit: null });
    expect(state.lambda).toBe(0.3);
    expect(state.train).toMatchObject({ base: 'ties', baseGiven: {}, correction: 'surgery', preset: 'quick', limit: 100, evalEvery: 100 });
    expect(state.hidden).toEqual(['models']);
    expect(state.tasks).toBeNull();
    expect(state.lesson).toEqual({ id: 'why-merge', step: 0 });
    const fields = notices.map((n) => /"([^"]+)"/.exec(n)![1]);
    expect(fields).toEqual(['m', 'eval', 't', 'lam', 'bp.k', 'tc', 'preset', 'tlimit', 'tevery', 'xl', 'xb', 'xm', 'xc', 'xp', 'open', 'step', 'hide']);
    expect(state.explorer).toEqual(DEFAULT_URL_STATE.explorer);
    expect(notices.find((n) => n.includes('"bp.k"'))).toMatch(/k = 500 is not valid/);
    expect(notices.find((n) => n.includes('"hide"'))).toContain('"nav"');
  });

  it('refuses an unknown lesson, a missing version and a newer version as a whole', () => {
    expect(decodeUrlState('#v=1&lesson=nope&step=2', { lessonIds: ['why-merge'] }).notices[0]).toContain('Link field "lesson" = "nope" is not a lesson (why-merge)');
    const noV = decodeUrlState('#m=ties');
    expect(noV.state).toEqual(DEFAULT_URL_STATE);
    expect(noV.notices[0]).toContain('"v"');
    const future = decodeUrlState('#v=2&m=ties');
    expect(future.state).toEqual(DEFAULT_URL_STATE);
    expect(future.notices).toEqual(['Link field "v" is 2: the link was made by a newer mergelab (this one reads v=1). The lab keeps its defaults; open the link in the newer version.']);
  });
});
