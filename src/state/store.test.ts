/**
 * The lab store on the in-process engine (the same API the worker serves): loading folders,
 * errors kept per checkpoint, the default pretrained model and the pool check, the forward check,
 * and a backend change that restarts the engine and re-opens every model.
 */
import { openAsBlob } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { fixturePath } from '../engine/testing/fixtures.node';
import type { EngineApi } from '../worker/api';
import { createInProcessEngine } from '../worker/in-process';
import { groupFiles, type PickedFile } from './group-files';
import { pretrainedKey } from './checkpoint-selectors';
import { createLabStore, type LabStore } from './store';
import type { KeyValueStorage } from './settings';

async function picked(folder: string, as = folder): Promise<PickedFile[]> {
  const dir = fixturePath(folder);
  return Promise.all((await readdir(dir)).map(async (f) => ({ path: `${as}/${f}`, blob: await openAsBlob(`${dir}/${f}`) })));
}

describe('lab store', () => {
  let store: LabStore;
  let starts: number;
  let saved: Map<string, string>;
  beforeEach(async () => {
    starts = 0;
    saved = new Map([['mergelab.backend', 'cpu']]); // unit tests run on the CPU backend
    const storage: KeyValueStorage = { getItem: (k) => saved.get(k) ?? null, setItem: (k, v) => void saved.set(k, v) };
    store = createLabStore({
      startEngine: () => { starts++; return { api: createInProcessEngine(), terminate: () => undefined }; },
      storage,
      search: '?backend=nonsense',
    });
    await store.getState().start();
  });

  const byName = (name: string) => store.getState().checkpoints.find((c) => c.name === name)!;

  it('starts the engine on the saved backend and reports a bad URL parameter', () => {
    const { backend, notices } = store.getState();
    expect(backend.status).toBe('ready');
    expect(backend.choice?.backend).toBe('cpu');
    expect(notices.join(' ')).toContain('?backend=nonsense');
  });

  it('lists loaded folders, keeps a broken one as an error, and checks the pool against tiny-a', async () => {
    const broken: PickedFile = { path: 'broken/model.safetensors', blob: new Blob([(await readFile(fixturePath('tiny-a', 'model.safetensors'))).subarray(0, 100)]) };
    await store.getState().addGroups(groupFiles([...(await picked('tiny-b')), ...(await picked('tiny-a')), broken]));
    const s = store.getState();
    expect(s.checkpoints.map((c) => [c.name, c.status])).toEqual([['tiny-b', 'ready'], ['tiny-a', 'ready'], ['broken', 'error']]);
    expect(byName('broken').error?.message).toContain('broken/model.safetensors');
    expect(byName('tiny-a').summary?.paramCount).toBe(115_712);
    expect(byName('tiny-a').hasGolden).toBe(true);
    expect(pretrainedKey(s)).toBe(byName('tiny-a').key); // named like the pretrained model, though not first
    const check = s.pool.check;
    expect(check?.status).toBe('done');
    if (check?.status !== 'done') return;
    expect(check.result.ok).toBe(false);
    expect(check.result.problems.some((p) => p.includes('tiny-b'))).toBe(true);

    await s.setPretrained(byName('tiny-b').key);
    const again = store.getState().pool.check;
    expect(again?.status === 'done' && again.result.problems.some((p) => p.includes('tiny-a'))).toBe(true);
  });

  it('a folder loaded again replaces the old entry; a matching pool passes', async () => {
    await store.getState().addGroups(groupFiles([...(await picked('tiny-a')), ...(await picked('merge/task-1', 'task-1'))]));
    const firstKey = byName('tiny-a').key;
    await store.getState().addGroups(groupFiles(await picked('tiny-a')));
    expect(store.getState().checkpoints.map((c) => c.name)).toEqual(['tiny-a', 'task-1']);
    expect(byName('tiny-a').key).not.toBe(firstKey);
    expect(store.getState().pool.check).toEqual({ status: 'done', result: { ok: true, problems: [] } });
    await store.getState().removeCheckpoint(byName('task-1').key);
    expect(store.getState().pool.check).toBeNull(); // one model is no pool
  });

  it('runs the forward check and keeps only plain data in the state', async () => {
    await store.getState().addGroups(groupFiles(await picked('tiny-a')));
    await store.getState().runForward(byName('tiny-a').key);
    const f = byName('tiny-a').forward;
    expect(f.status).toBe('done');
    if (f.status !== 'done') return;
    expect(f.result.outputs.find((o) => o.name === 'image_embeds')?.shape).toEqual([2, 32]);
    expect(f.result.embedDim).toBe(32);
    expect(f.result.embedPreview).toHaveLength(4);
    expect('embeds' in f.result).toBe(false);
  });

  it('changing the backend saves it, restarts the engine and re-opens the models there', async () => {
    await store.getState().addGroups(groupFiles(await picked('tiny-a')));
    await store.getState().setBackendSetting('wasm');
    expect(saved.get('mergelab.backend')).toBe('wasm');
    expect(starts).toBe(2);
    const entry = byName('tiny-a');
    expect(entry.status).toBe('ready');
    expect(entry.engineId).not.toBeNull();
    // The new engine starts empty: the golden check only works because the model was re-opened there.
    await store.getState().checkGolden(entry.key);
    const g = byName('tiny-a').golden;
    expect(g.status === 'done' && g.result.pass).toBe(true);
  });

  it('a progress report that arrives after the result does not reopen the task', async () => {
    // Across the worker boundary progress has its own MessagePort, so it can overtake nothing and
    // be overtaken by the result: replay that order in-process.
    const engine = createInProcessEngine();
    let delivered: () => void = () => undefined;
    const lateDelivered = new Promise<void>((r) => { delivered = r; });
    const lateProgress: EngineApi = {
      ...engine,
      checkGolden: async (id, onProgress) => {
        const r = await engine.checkGolden(id);
        setTimeout(() => { onProgress?.({ stage: 'done', done: 4, total: 4 }); delivered(); }, 0);
        return r;
      },
    };
    const late = createLabStore({ startEngine: () => ({ api: lateProgress, terminate: () => undefined }), storage: { getItem: () => 'cpu', setItem: () => undefined } });
    await late.getState().start();
    await late.getState().addGroups(groupFiles(await picked('tiny-a')));
    const key = late.getState().checkpoints[0].key;
    await late.getState().checkGolden(key);
    expect(late.getState().checkpoints[0].golden.status).toBe('done');
    await lateDelivered; // the late report has been handled
    expect(late.getState().checkpoints[0].golden.status).toBe('done');
  });
});
