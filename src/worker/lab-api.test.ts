/**
 * The lab half of the engine API, in-process on the CPU backend: suites (picked folder, served
 * demo), merges held as HF folders, per-task evaluation against the engine computed directly,
 * cancellation between tensors and batches, task-vector analytics, and bad input as ErrorInfo —
 * with the worker state still usable afterwards and no tensor leaks.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../engine/data/png-decoder.node';
import { openSuiteDir } from '../engine/data/suite-dir.node';
import { SuiteEvaluator, buildReport } from '../engine/eval/evaluate';
import { blobSource, memorySource } from '../engine/io/byte-source';
import { memorySink, openSafetensors, readAll } from '../engine/io/safetensors';
import { mergeStream } from '../engine/merge/stream';
import { mergeInMemory, mergeToParamMap } from '../engine/merge/in-memory';
import { disposeParams } from '../engine/params/param-map';
import { fixturePath } from '../engine/testing/fixtures.node';
import type { EngineApi, Progress } from './api';
import { createInProcessEngine } from './in-process';
import { pickedFolder } from './lab-files.node';
import { headsOptions } from './suites';

const SUITE = fixturePath('suite-tiny');

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string; hint: string }> {
  try { await p; } catch (e) { return e as { code: string; message: string; hint: string }; }
  throw new Error('expected a rejection');
}

describe('engine API: suites, merges, evaluation', () => {
  let api: EngineApi;
  let tmp: string;
  beforeAll(async () => {
    api = createInProcessEngine({ decoder: nodeImageDecoder });
    await api.init({ force: 'cpu' });
    tmp = await mkdtemp(join(tmpdir(), 'mergelab-lab-api-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  /** A copy of suite-tiny changed by `edit`. */
  async function variant(name: string, edit: (dir: string) => Promise<void>): Promise<string> {
    const dir = join(tmp, name);
    await cp(SUITE, dir, { recursive: true });
    await edit(dir);
    return dir;
  }

  it('opens a picked suite folder: tasks, classes, counts, example images per class', async () => {
    const stages: string[] = [];
    const s = await api.openSuite('suite-tiny', await pickedFolder(SUITE), (p) => stages.push(p.stage));
    expect(s.name).toBe('tiny');
    expect(s.experts.map((e) => e.task)).toEqual(['waves', 'folders', 'scans']);
    expect(s.tasks.map((t) => [t.name, t.images, t.problem])).toEqual([['waves', 24, null], ['folders', 24, null], ['scans', 24, null]]);
    expect(s.tasks[1].source).toBe('data/folders/test');
    expect(s.tasks[1].classes).toEqual(['red', 'green', 'blue', 'grey']);
    const folders = s.tasks[1].examples;
    expect(new Set(folders.map((e) => e.label)).size).toBe(new Set(folders.map((e) => e.label)).size);
    expect(folders.every((e) => e.url.startsWith('data:image/png;base64,'))).toBe(true);
    expect(folders.length).toBeGreaterThan(0);
    expect(stages).toContain('reading scans');
    expect(structuredClone(s)).toEqual(s);
    await api.closeSuite(s.id);
  });

  it('cancels the opening of a suite by its jobId (a cancel sent first still counts) and opens it afterwards', async () => {
    await api.cancel('open-early');
    const err = await rejection(api.openSuite('suite-tiny', await pickedFolder(SUITE), undefined, { jobId: 'open-early' }));
    expect(err).toMatchObject({ code: 'cancelled', message: 'The opening of the suite was cancelled.' });
    const s = await api.openSuite('suite-tiny', await pickedFolder(SUITE), undefined, { jobId: 'open-later' });
    expect(s.tasks.map((t) => t.images)).toEqual([24, 24, 24]);
    await api.closeSuite(s.id);
  });

  it('hands openSuite the heads\' progress as "building heads" in prompts, and the job\'s signal', () => {
    const seen: Progress[] = [];
    const signal = { aborted: true, peakBytes: 0 };
    const o = headsOptions((p) => seen.push(p), signal);
    o.onProgress?.({ stage: 'heads', done: 3, total: 8 });
    expect(seen).toEqual([{ stage: 'building heads', done: 3, total: 8, unit: 'prompts' }]);
    expect(o.signal?.aborted).toBe(true);
    expect(headsOptions().onProgress).toBeUndefined();
  });

  it('merges the suite, evaluates it as the engine does directly, and caches the references', async () => {
    const s = await api.openSuite('suite-tiny', await pickedFolder(SUITE));
    const before = tf.memory().numTensors;
    const progress: Progress[] = [];
    const m = await api.merge({ pool: { kind: 'suite', suiteId: s.id }, method: 'ties' }, { jobId: 'j1' }, (p) => progress.push(p));
    expect(m.params).toEqual({ k: 20, lambda: 0.3, aggregate: 'sum' });
    expect(m.passes).toBeGreaterThan(1); // TIES scans for its global threshold before it merges
    expect(progress.some((p) => /^scan pass 1 of \d$/.test(p.stage))).toBe(true);
    expect(progress.at(-1)).toMatchObject({ unit: 'bytes', done: m.bytesRead });
    const report = await api.evaluate(s.id, m.id, { limit: 12 }, (p) => progress.push(p));
    expect(tf.memory().numTensors).toBe(before);

    // The same numbers straight from the engine.
    const suite = await openSuiteDir(SUITE);
    const ev = new SuiteEvaluator(suite);
    const direct = await mergeToParamMap({ pretrained: suite.pretrained, experts: [...suite.experts.values()], method: 'ties' });
    const expected = buildReport(suite, await ev.references({ limit: 12 }), await ev.score({ key: 'ties', params: direct.weights }, { limit: 12 }));
    disposeParams(direct.weights);
    ev.dispose();
    const { peakBytes, ...scores } = report;
    expect(scores).toEqual(expected);
    expect(peakBytes).toBeGreaterThan(0); // the job's tfjs high-water (merged weights + features at least)
    expect(report.average.individual.accuracy).toBe(100);

    // References come from the cache: a second evaluation reports no pretrained/individual work.
    const again: string[] = [];
    await api.evaluate(s.id, null, { limit: 12 }, (p) => again.push(p.stage));
    expect(again).toEqual([]);
    // A capped evaluation scores the first N images.
    const capped = await api.evaluate(s.id, m.id, { limit: 8 });
    expect(capped.tasks.waves.images).toBe(8);
    expect(report.tasks.waves.images).toBe(12);
  });

  it('hands out the merged HF folder: config.json and model.safetensors with the engine metadata', async () => {
    const s = await api.openSuite('suite-tiny', await pickedFolder(SUITE));
    const m = await api.merge({ pool: { kind: 'suite', suiteId: s.id }, method: 'task_arithmetic', params: { lambda: 0.5 } });
    const files = await api.mergeFiles(m.id);
    expect(JSON.parse(files.configJson)).toMatchObject({ hidden_size: 64, projection_dim: 32 });
    const store = await openSafetensors(blobSource(files.model, 'model.safetensors'));
    expect(store.metadata['mergelab.method']).toBe('task_arithmetic');
    expect(JSON.parse(store.metadata['mergelab.params'])).toEqual({ lambda: 0.5 });
    const suite = await openSuiteDir(SUITE);
    const want = await mergeInMemory({ pretrained: suite.pretrained, experts: [...suite.experts.values()], method: 'task_arithmetic', params: { lambda: 0.5 } });
    const got = await readAll(store);
    for (const [name, v] of want.values) expect(Array.from(got.get(name)!.values as Float32Array), name).toEqual(Array.from(v));
    await api.closeMerge(m.id);
    expect(await rejection(api.mergeFiles(m.id))).toMatchObject({ code: 'engine' });
  });

  it('hands out a consensus merge\'s retrieved model of a task (the engine\'s, with the expert in its metadata); an unknown task is a usage error', async () => {
    const s = await api.openSuite('suite-tiny', await pickedFolder(SUITE));
    const m = await api.merge({ pool: { kind: 'suite', suiteId: s.id }, method: 'consensus', params: { lambda_t: 0.4 } });
    const stages: string[] = [];
    const files = await api.retrievedFiles(m.id, 'folders', {}, (p) => stages.push(p.stage));
    expect(stages.length).toBeGreaterThan(0);
    const store = await openSafetensors(blobSource(files.model, 'model.safetensors'));
    const suite = await openSuiteDir(SUITE);
    expect(store.metadata['mergelab.retrieved']).toBe(suite.experts.get('folders')!.name);
    const sink = memorySink();
    await mergeStream({ pretrained: suite.pretrained, experts: [...suite.experts.values()], method: 'consensus', params: { lambda_t: 0.4 }, retrieved: 1 }, sink);
    const want = await readAll(await openSafetensors(memorySource(sink.bytes())));
    const got = await readAll(store);
    const merged = await readAll(await openSafetensors(blobSource((await api.mergeFiles(m.id)).model, 'm')));
    let differs = false;
    for (const [name, v] of want) {
      expect(Array.from(got.get(name)!.values as Float32Array), name).toEqual(Array.from(v.values as Float32Array));
      differs ||= Array.from(v.values as Float32Array).some((x, j) => x !== (merged.get(name)!.values as Float32Array)[j]);
    }
    expect(differs).toBe(true); // not the merge itself
    expect(await rejection(api.retrievedFiles(m.id, 'nope'))).toMatchObject({ code: 'usage', message: expect.stringMatching(/no task "nope"/) });
    await api.closeMerge(m.id);
  });

  it('cancels a merge between tensors and an evaluation between batches; the engine stays usable', async () => {
    const s = await api.openSuite('suite-tiny', await pickedFolder(SUITE));
    const before = tf.memory().numTensors;
    const merge = api.merge({ pool: { kind: 'suite', suiteId: s.id }, method: 'ties' }, { jobId: 'c1' }, () => void api.cancel('c1'));
    expect(await rejection(merge)).toMatchObject({ code: 'cancelled' });
    const m = await api.merge({ pool: { kind: 'suite', suiteId: s.id }, method: 'average' }, { jobId: 'c2' });
    const ev = api.evaluate(s.id, m.id, { jobId: 'c3', batchSize: 4 }, () => void api.cancel('c3'));
    expect(await rejection(ev)).toMatchObject({ code: 'cancelled' });
    expect(tf.memory().numTensors).toBe(before);
    const r = await api.evaluate(s.id, m.id, { jobId: 'c4', limit: 4 });
    expect(r.average.merged?.accuracy).toBeGreaterThan(0);
  });

  it('analyses the task vectors of a suite and of a pool of loaded checkpoints', async () => {
    const s = await api.openSuite('suite-tiny', await pickedFolder(SUITE));
    const steps: number[] = [];
    const a = await api.analyzeTaskVectors({ kind: 'suite', suiteId: s.id }, {}, (p) => steps.push(p.done));
    expect(a.tasks).toEqual(['waves', 'folders', 'scans']);
    a.cosine.forEach((row, i) => expect(row[i]).toBeCloseTo(1, 6));
    expect(a.signConflicts.map((g) => g.group)).toEqual(['embeddings', 'layer.0', 'layer.1', 'head']);
    expect(steps.at(-1)).toBeGreaterThan(1);
    const pre = await api.openCheckpoint('tiny-a', (await pickedFolder(fixturePath('tiny-a'), '.')).map((f) => ({ ...f, path: f.path.slice(2) })));
    const t0 = await api.openCheckpoint('task-0', (await pickedFolder(fixturePath('merge/task-0'), '.')).map((f) => ({ ...f, path: f.path.slice(2) })));
    const b = await api.analyzeTaskVectors({ kind: 'checkpoints', pretrainedId: pre.id, expertIds: [t0.id] });
    expect(b.tasks).toEqual(['task-0']);
    expect(b.norms[0]).toBeCloseTo(a.norms[0], 4);
  });

  it('merges a pool of loaded checkpoints, and rejects a mismatched pool naming the expert', async () => {
    const open = async (name: string, dir: string) => api.openCheckpoint(name, (await pickedFolder(fixturePath(dir), '.')).map((f) => ({ ...f, path: f.path.slice(2) })));
    const pre = await open('tiny-a', 'tiny-a');
    const t1 = await open('task-1', 'merge/task-1');
    const same = await open('copy-of-tiny-a', 'tiny-a');
    const b = await open('tiny-b', 'tiny-b');
    const m = await api.merge({ pool: { kind: 'checkpoints', pretrainedId: pre.id, expertIds: [t1.id, same.id] }, method: 'average' });
    expect(m.suiteId).toBeNull();
    expect(m.notes.join(' ')).toContain('"copy-of-tiny-a" is identical to the pretrained model');
    const bad = await rejection(api.merge({ pool: { kind: 'checkpoints', pretrainedId: pre.id, expertIds: [t1.id, b.id] }, method: 'task_arithmetic' }));
    expect(bad.code).toBe('mismatch');
    expect(bad.message).toContain('tiny-b');
    const suite = await api.openSuite('suite-tiny', await pickedFolder(SUITE));
    expect(await rejection(api.evaluate(suite.id, m.id))).toMatchObject({ code: 'usage' });
  });

  it('shows bad suites as ErrorInfo naming the file: NaN weights, wrong head, empty folder', async () => {
    // NaN in an expert: the suite opens, the merge names the model and tensor.
    const nan = await variant('nan', async (d) => {
      const f = join(d, 'models/waves/model.safetensors');
      const bytes = await readFile(f);
      const store = await openSafetensors(blobSource(new Blob([bytes])));
      const info = [...store.tensors.values()].find((t) => t.dtype === 'F32')!;
      bytes.writeFloatLE(Number.NaN, info.offset);
      await writeFile(f, bytes);
    });
    const s1 = await api.openSuite('nan', await pickedFolder(nan));
    const e1 = await rejection(api.merge({ pool: { kind: 'suite', suiteId: s1.id }, method: 'task_arithmetic' }));
    expect(e1.code).toBe('non-finite');
    expect(e1.message).toContain('models/waves');
    // A head with the wrong number of classes.
    const head = await variant('head', async (d) => {
      const m = JSON.parse(await readFile(join(d, 'manifest.json'), 'utf8'));
      m.tasks[0].classes.push('extra');
      await writeFile(join(d, 'manifest.json'), JSON.stringify(m));
    });
    const e2 = await rejection(api.openSuite('head', await pickedFolder(head)));
    expect(e2.message).toContain('heads.safetensors');
    expect(e2.message).toContain('4 classes');
    // Undecodable images: the task shows the problem, the suite opens, evaluation says what to fix.
    const broken = await variant('broken', async (d) => {
      for (const c of ['red', 'green', 'blue', 'grey']) await writeFile(join(d, `data/folders/test/${c}/img000.png`), 'not a png');
      await rm(join(d, 'data/folders/test/red'), { recursive: true });
      await writeFile(join(d, 'data/folders/test/red.png'), 'x');
    });
    const s3 = await api.openSuite('broken', await pickedFolder(broken));
    const folders = s3.tasks.find((t) => t.name === 'folders')!;
    expect(folders.problem?.code).toBe('data');
    expect(folders.problem?.message).toContain('data/folders/test/');
    expect(s3.tasks.find((t) => t.name === 'waves')!.problem).toBeNull();
    const e3 = await rejection(api.evaluate(s3.id, null));
    expect(e3.code).toBe('data');
    expect(e3.message).toContain('folders');
  });

  it('opens the demo zoo as served by the built app', async () => {
    const pub = fixturePath('..', '..', 'public');
    const fetchImpl = async (url: string) => {
      const bytes = await readFile(join(pub, new URL(url).pathname));
      return { ok: true, status: 200, blob: async () => new Blob([bytes]) };
    };
    const demo = createInProcessEngine({ fetchImpl });
    await demo.init({ force: 'cpu' });
    const s = await demo.openServedSuite('http://lab.test/zoo/mini8/');
    expect(s.name).toBe('mini8');
    expect(s.tasks).toHaveLength(8);
    expect(s.tasks.every((t) => t.images === 300 && t.problem === null)).toBe(true);
    expect(s.tasks.find((t) => t.name === 'signs')!.examples).toHaveLength(24); // 12 classes × 2
  });
});
