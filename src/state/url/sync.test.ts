/**
 * The URL state against a real store (in-process engine, CPU backend, the demo zoo served from
 * public/): a fresh lab is the codec's defaults; a link restores method, parameters, task subset
 * (after the demo loads), λ and hidden controls, and says what it could not use; a lesson link sets
 * up its step; control changes rewrite the hash at once, or together when they come quickly.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../../engine/data/png-decoder.node';
import { fixturePath } from '../../engine/testing/fixtures.node';
import { createInProcessEngine } from '../../worker/in-process';
import { labPool } from '../pool-selectors';
import { createLabStore } from '../store';
import { urlStateOf } from './apply';
import { DEFAULT_URL_STATE, encodeUrlState } from './codec';
import { syncUrl, type UrlHost } from './sync';

const DEMO = 'http://lab.test/zoo/mini8/';

function lab() {
  const pub = fixturePath('..', '..', 'public');
  const fetchImpl = async (url: string) => ({ ok: true, status: 200, blob: async () => new Blob([await readFile(join(pub, new URL(url).pathname))]) });
  return createLabStore({
    startEngine: () => ({ api: createInProcessEngine({ decoder: nodeImageDecoder, fetchImpl }), terminate: () => undefined }),
    storage: { getItem: (k) => (k === 'mergelab.backend' ? 'cpu' : null), setItem: () => undefined },
    demoUrl: DEMO,
  });
}

function host(hash: string): UrlHost & { writes: string[] } {
  const h = { current: hash, writes: [] as string[] };
  return { hash: () => h.current, replaceHash: (x) => { h.current = `#${x}`; h.writes.push(x); }, writes: h.writes };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('URL state in the lab', () => {
  it('a fresh lab is the defaults, and an empty hash stays empty', async () => {
    const store = lab();
    expect(urlStateOf(store.getState(), DEMO)).toEqual(DEFAULT_URL_STATE);
    const h = host('');
    const stop = await syncUrl(store, h, { demoUrl: DEMO, debounceMs: 5 });
    expect(h.writes).toEqual([]);
    stop();
  });

  it('restores a shared link after the demo loads, names what it could not use, then follows the controls', async () => {
    const store = lab();
    await store.getState().start();
    const h = host('#v=1&suite=demo&m=ties&p.k=30&eval=50&t=digits&t=signs&t=clouds&lam=0.5&xm=cosine&xc=class&hide=train,nav&bogus=1');
    const stop = await syncUrl(store, h, { demoUrl: DEMO, debounceMs: 200 });
    const s = store.getState();
    expect(s.suite.info?.name).toBe('mini8');
    expect(s.merge).toMatchObject({ method: 'ties', given: { k: 30 }, evalLimit: 50 });
    expect(s.subset.tasks).toEqual(['signs', 'digits']); // the suite's order
    expect(labPool(s)?.ref).toEqual({ kind: 'suite', suiteId: s.suite.info!.id, tasks: ['signs', 'digits'] });
    expect(labPool(s)?.label).toBe('suite mini8 (2 of 8 experts: signs, digits)');
    expect(s.sweep.lambda).toBe(0.5);
    expect(s.lesson.hidden).toEqual(['train']);
    expect(s.explorerView).toEqual({ metric: 'cosine', task: 'all', colorBy: 'class', pair: false });
    expect(s.lesson.notices).toEqual([
      'Link field "hide" lists unknown "nav" (known: models, method, tasks, train, results, runs, explorer, sweep, analytics); ignored it.',
      'Link field "bogus" is not known to this version and was ignored.',
      'Link field "t": the suite mini8 has no task "clouds"; it was left out.',
    ]);
    // The hash now says exactly what the lab holds.
    expect(h.writes).toEqual(['v=1&suite=demo&m=ties&p.k=30&eval=50&t=signs&t=digits&lam=0.5&xm=cosine&xc=class&hide=train']);
    // Within 200 ms of the last write: the changes are written together once the time has passed.
    s.setParam('k', 40);
    s.setParam('k', 50);
    s.setEvalLimit(100);
    expect(h.writes).toHaveLength(1);
    await wait(300);
    expect(h.writes).toHaveLength(2);
    expect(h.writes[1]).toBe('v=1&suite=demo&m=ties&p.k=50&eval=100&t=signs&t=digits&lam=0.5&xm=cosine&xc=class&hide=train');
    expect(store.getState().setTaskSubset(['digits'])).toBe('Choose at least two tasks to merge (only digits is chosen).');
    await wait(250);
    // Long after the last write: a change is written at once (a reload right after a click keeps it).
    expect(store.getState().setTaskSubset(null)).toBeNull();
    expect(h.writes).toHaveLength(3);
    expect(h.writes[2]).not.toContain('t=');
    stop();
  });

  it('a lesson link sets up its step, and a link from a newer version keeps the defaults', async () => {
    const store = lab();
    await store.getState().start();
    const h = host('#v=1&lesson=tv-lambda&step=2');
    const stop = await syncUrl(store, h, { demoUrl: DEMO, debounceMs: 5 });
    const s = store.getState();
    expect(s.lesson).toMatchObject({ open: true, id: 'tv-lambda', step: 1, hidden: ['models', 'train', 'analytics'] });
    expect(s.suite.info?.name).toBe('mini8');
    expect(h.writes).toEqual([encodeUrlState(urlStateOf(s, DEMO))]);
    expect(h.writes[0]).toBe('v=1&suite=demo&eval=100&open=lessons&lesson=tv-lambda&step=2&hide=models,train,analytics');
    stop();

    const other = lab();
    const stop2 = await syncUrl(other, host('#v=3&m=ties'), { demoUrl: DEMO });
    expect(other.getState().merge.method).toBe('task_arithmetic');
    expect(other.getState().lesson.notices[0]).toContain('newer mergelab');
    stop2();
  });
});
