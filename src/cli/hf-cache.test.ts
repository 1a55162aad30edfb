// Suites as users have them on disk: the pretrained model and the data are symbolic links into a
// folder laid out like the Hugging Face cache (snapshots/<rev>/x → ../../blobs/<sha>), and one
// expert is a sharded checkpoint (model.safetensors.index.json + two shards, themselves links).
// `mergelab eval` and `mergelab run` score it exactly like the same suite made of plain files; a
// loop inside the suite is an error naming the link.
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TinyTask, randomHead, randomImages, writeTensors, writeTinySuite } from '../engine/data/tiny-suite.node';
import { openSafetensors, readAll } from '../engine/io/safetensors';
import { nodeFileSource } from '../engine/io/node-source.node';
import { run as evalRun } from './eval';
import { run as runRun } from './run';
import { run as inspectRun } from './inspect';

let dir: string;
const names = ['t0', 't1', 't2'];
const sink = () => { let s = ''; return { write: (x: string) => (s += x), text: () => s }; };

/** Moves `files` of `src` into a HF-cache-like repo under `hub` and returns its snapshot folder (links only). */
async function cacheSnapshot(hub: string, repo: string, src: string, files: string[]): Promise<string> {
  const root = join(hub, `models--${repo}`);
  const snap = join(root, 'snapshots', '0123abcd');
  await mkdir(join(root, 'blobs'), { recursive: true });
  await mkdir(snap, { recursive: true });
  for (const [i, f] of files.entries()) {
    const blob = `${repo}-blob${i}`;
    await copyFile(join(src, f), join(root, 'blobs', blob));
    await symlink(`../../blobs/${blob}`, join(snap, f));
  }
  return snap;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mergelab-hf-cache-'));
  const tasks: TinyTask[] = names.map((name, i) => ({
    name, classes: ['a', 'b', 'c'], expert: `merge/task-${i}`, images: randomImages(6, 32, 32, 3, 240 + i),
    shape: [6, 32, 32, 3], labels: Int32Array.from({ length: 6 }, (_, k) => (k + 2 * i) % 3), form: 'safetensors',
  }));
  const plain = join(dir, 'plain');
  await writeTinySuite(plain, tasks, { heads: Object.fromEntries(tasks.map((t, i) => [t.name, randomHead(3, 32, 250 + i)])) });

  // The same suite: pretrained as a link to a cache snapshot, expert t0 sharded in a snapshot, data linked.
  const hub = join(dir, 'hub');
  const linked = join(dir, 'linked');
  await mkdir(join(linked, 'models'), { recursive: true });
  for (const f of ['manifest.json', 'heads.safetensors']) await copyFile(join(plain, f), join(linked, f));
  await symlink(join(plain, 'data'), join(linked, 'data'));
  const pre = await cacheSnapshot(hub, 'openai--clip', join(plain, 'models', 'pretrained'), ['config.json', 'model.safetensors']);
  await symlink(pre, join(linked, 'models', 'pretrained'));
  const shards = join(dir, 'shards');
  await mkdir(shards);
  const all = await readAll(await openSafetensors(await nodeFileSource(join(plain, 'models', 't0', 'model.safetensors'))));
  const keys = [...all.keys()];
  const half = Math.ceil(keys.length / 2);
  const shardNames = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
  const weightMap: Record<string, string> = {};
  for (const [s, part] of [keys.slice(0, half), keys.slice(half)].entries()) {
    await writeTensors(join(shards, shardNames[s]), Object.fromEntries(part.map((k) => {
      weightMap[k] = shardNames[s];
      const t = all.get(k)!;
      return [k, { dtype: 'F32' as const, shape: t.shape, values: t.values as Float32Array }];
    })));
  }
  await writeFile(join(shards, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
  await copyFile(join(plain, 'models', 't0', 'config.json'), join(shards, 'config.json'));
  const t0 = await cacheSnapshot(hub, 'x--t0', shards, ['config.json', 'model.safetensors.index.json', ...shardNames]);
  await symlink(t0, join(linked, 'models', 't0'));
  for (const t of names.slice(1)) await symlink(join(plain, 'models', t), join(linked, 'models', t));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('suites made of symbolic links and shards', () => {
  it('mergelab eval scores the linked, sharded suite exactly like the plain one', async () => {
    const res: unknown[] = [];
    for (const s of ['plain', 'linked']) {
      const json = join(dir, `${s}-eval.json`);
      const out = sink();
      const err = sink();
      const code = await evalRun([join(dir, s), '--method', 'task_arithmetic', '--json', json], out, err);
      expect(err.text()).not.toMatch(/error|missing/i);
      expect(code).toBe(0);
      res.push((({ tasks, average }) => ({ tasks, average }))(JSON.parse(await readFile(json, 'utf8'))));
    }
    expect(res[1]).toEqual(res[0]);
  });

  it('mergelab run trains on it like on the plain suite', async () => {
    const res: unknown[] = [];
    for (const s of ['plain', 'linked']) {
      const exp = join(dir, `${s}-exp.json`);
      await writeFile(exp, JSON.stringify({ suite: join(dir, s), merge: { method: 'ties' }, correction: { method: 'surgery', params: { iterations: 2, rank: 2 } }, seed: 1, limit: 4 }));
      const json = join(dir, `${s}-run.json`);
      expect(await runRun([exp, '--json', json], sink(), sink())).toBe(0);
      res.push(JSON.parse(await readFile(json, 'utf8')).tasks);
    }
    expect(res[1]).toEqual(res[0]);
  });

  it('mergelab inspect reads a cache snapshot folder of links, and the link to a single weights file', async () => {
    const snap = join(dir, 'hub', 'models--openai--clip', 'snapshots', '0123abcd');
    for (const path of [snap, join(snap, 'model.safetensors')]) {
      const out = sink();
      expect(await inspectRun([path], out, sink())).toBe(0);
      expect(JSON.parse(out.text())).toMatchObject({ config: { hiddenSize: 64, imageSize: 32 } });
    }
  });

  it('refuses a suite with a link looping back into it, naming the link', async () => {
    const looped = join(dir, 'looped');
    await mkdir(join(looped, 'data', 'x'), { recursive: true });
    await writeFile(join(looped, 'manifest.json'), '{}');
    await symlink(looped, join(looped, 'data', 'x', 'again'));
    const err = sink();
    const e = await evalRun([looped], sink(), err).catch((x) => x);
    expect(e.message).toContain(join(looped, 'data', 'x', 'again'));
    expect(e.message).toMatch(/would loop forever/);
  });
});
