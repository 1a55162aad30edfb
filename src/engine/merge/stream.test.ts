/** mergeStream / mergeToFolder: the written file, its metadata, progress, cancellation, bad input. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, CheckpointMismatchError, MergelabError } from '../errors';
import { memorySource } from '../io/byte-source';
import { openCheckpointPath } from '../model/clip-vit/open-checkpoint-path.node';
import { nodeFileSource } from '../io/node-source.node';
import { openSafetensors, readAll } from '../io/safetensors';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { fixturePath } from '../testing/fixtures.node';
import { mergeToFolder } from './folder.node';
import { mergeInMemory } from './in-memory';
import { blobPartsSink } from './sinks';
import { mergeStream } from './stream';
import type { MergeProgress } from './task-vector-merge';
import { TINY, checkpointFrom, fixturePool, maxAbsDiff, randomWeights, readWeights, syntheticPool } from './test-pool.node';

let pool: { pretrained: Checkpoint; experts: Checkpoint[] };
let dir: string;
beforeAll(async () => {
  pool = await fixturePool();
  dir = await mkdtemp(join(tmpdir(), 'mergelab-merge-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const TIES = { method: 'ties', params: { aggregate: 'mean', lambda: 1 } } as const;

describe('mergeToFolder', () => {
  it('writes an HF folder that the reader re-opens, with method, params and inputs in __metadata__', async () => {
    const out = join(dir, 'ties');
    const result = await mergeToFolder(out, { ...pool, ...TIES });
    expect((await readdir(out)).sort()).toEqual(['config.json', 'model.safetensors']);
    expect(JSON.parse(await readFile(join(out, 'config.json'), 'utf8'))).toMatchObject({ model_type: 'clip_vision_model', hidden_size: 64, projection_dim: 32 });

    const store = await openSafetensors(await nodeFileSource(join(out, 'model.safetensors')));
    expect(store.metadata.format).toBe('pt');
    expect(store.metadata['mergelab.method']).toBe('ties');
    expect(JSON.parse(store.metadata['mergelab.params'])).toEqual({ k: 20, lambda: 1, aggregate: 'mean' });
    const inputs = JSON.parse(store.metadata['mergelab.inputs']);
    expect(inputs.map((i: { role: string; name: string }) => `${i.role}:${i.name}`)).toEqual(['pretrained:tiny-a', 'expert:task-0', 'expert:task-1', 'expert:task-2', 'expert:task-3']);
    expect(inputs[1].bytes).toBe(pool.experts[0].fileBytes);
    const prints = inputs.map((i: { fingerprint: string }) => i.fingerprint);
    expect(new Set(prints).size).toBe(5);
    expect(prints.every((p: string) => /^[0-9a-f]{16}$/.test(p))).toBe(true);
    expect(result.metadata).toEqual(store.metadata);
    expect(result.bytesWritten).toBe(store.size);

    const reopened = await openCheckpointPath(out);
    expect(reopened.configSource).toBe('config.json');
    const golden = await readWeights(await openCheckpointPath(fixturePath('merge', 'merged-ties-0.2-1.0')));
    expect(maxAbsDiff(await readWeights(reopened), golden)).toBeLessThanOrEqual(1e-6);
  });

  it('reports progress through scan and merge passes, ending with every byte of every pass read', async () => {
    const events: MergeProgress[] = [];
    const result = await mergeToFolder(join(dir, 'progress'), { ...pool, ...TIES }, { onProgress: (p) => events.push({ ...p }) });
    const stages = [...new Set(events.map((e) => `${e.stage}${e.pass}`))];
    expect(stages).toEqual(['scan1', 'scan2', 'merge3', 'write3']);
    for (let i = 1; i < events.length; i++) expect(events[i].bytesRead).toBeGreaterThanOrEqual(events[i - 1].bytesRead);
    const last = events.at(-1)!;
    const poolBytes = [pool.pretrained, ...pool.experts].reduce((a, c) => a + c.fileBytes, 0);
    expect(last.bytesRead).toBeCloseTo(3 * poolBytes, 0);
    expect(last.bytesTotal).toBeCloseTo(3 * poolBytes, 0);
    expect(result.passes).toBe(3);
  });

  it('stops on cancellation between tensors, throws CancelledError and leaves no file behind', async () => {
    for (const [method, when] of [['task_arithmetic', 'merge'], ['ties', 'scan']] as const) {
      const out = join(dir, `cancel-${method}`);
      const signal = { aborted: false };
      const run = mergeToFolder(out, { ...pool, method }, { signal, onProgress: (p) => { if (p.stage === when && p.tensor === 7) signal.aborted = true; } });
      await expect(run).rejects.toBeInstanceOf(CancelledError);
      expect(await readdir(out)).toEqual([]);
    }
  });
});

describe('mergeStream into Blob parts (the browser worker path)', () => {
  it('produces the same bytes as a re-readable safetensors file, equal to the in-memory merge', async () => {
    const sink = blobPartsSink();
    await mergeStream({ ...pool, method: 'task_arithmetic' }, sink);
    expect(sink.closed).toBe(true);
    const bytes = new Uint8Array(sink.size);
    let o = 0;
    for (const p of sink.parts) { bytes.set(p, o); o += p.byteLength; }
    const tensors = await readAll(await openSafetensors(memorySource(bytes, 'merged.safetensors')));
    const mem = await mergeInMemory({ ...pool, method: 'task_arithmetic' });
    expect(maxAbsDiff(new Map([...tensors].map(([n, t]) => [n, t.values as Float32Array])), mem.values)).toBe(0);
  });

  it('drops its parts when the merge fails', async () => {
    const sink = blobPartsSink();
    const signal = { aborted: true };
    await expect(mergeStream({ ...pool, method: 'average' }, sink, { signal })).rejects.toBeInstanceOf(CancelledError);
    expect(sink.parts.length).toBe(0);
    expect(sink.closed).toBe(false);
  });
});

describe('bad input', () => {
  it('names the model and tensor holding NaN or Inf (fast path, TIES scan and DARE)', async () => {
    const syn = await syntheticPool(3);
    const [base, ...experts] = syn.weights;
    const poisoned = new Map(experts[1]);
    const name = 'vision_model.encoder.layers.0.mlp.fc1.weight';
    poisoned.set(name, poisoned.get(name)!.map((x, i) => (i === 17 ? NaN : x)));
    const bad = await checkpointFrom('poisoned-expert', poisoned);
    for (const method of ['task_arithmetic', 'ties', 'dare']) {
      const run = mergeInMemory({ pretrained: syn.pretrained, experts: [syn.experts[0], bad], method });
      await expect(run).rejects.toThrow(/model "poisoned-expert": tensor "vision_model\.encoder\.layers\.0\.mlp\.fc1\.weight" contains NaN at element 17/);
    }
    const infBase = new Map(base);
    infBase.set('vision_model.post_layernorm.bias', infBase.get('vision_model.post_layernorm.bias')!.map((x, i) => (i === 2 ? -Infinity : x)));
    const run = mergeInMemory({ pretrained: await checkpointFrom('broken-pretrained', infBase), experts: syn.experts, method: 'average' });
    await expect(run).rejects.toMatchObject({ code: 'non-finite', message: expect.stringMatching(/model "broken-pretrained": tensor "vision_model\.post_layernorm\.bias" contains -Infinity at element 2/) });
  });

  it('warns about an expert identical to the pretrained model and still merges', async () => {
    const syn = await syntheticPool(2);
    const twin = await checkpointFrom('twin', syn.weights[0]);
    for (const method of ['task_arithmetic', 'ties']) {
      const r = await mergeInMemory({ pretrained: syn.pretrained, experts: [syn.experts[0], twin, syn.experts[1]], method });
      expect(r.notes).toEqual([expect.stringMatching(/Expert "twin" is identical to the pretrained model/)]);
    }
  });

  it('rejects a mismatched pool listing every problem', async () => {
    const syn = await syntheticPool(1);
    const wide = await checkpointFrom('wide', randomWeights(9, 0.1, { ...TINY, intermediateSize: 32 }), { ...TINY, intermediateSize: 32 });
    const run = mergeInMemory({ pretrained: syn.pretrained, experts: [syn.experts[0], wide], method: 'ties' });
    await expect(run).rejects.toBeInstanceOf(CheckpointMismatchError);
    await expect(run).rejects.toMatchObject({ problems: expect.arrayContaining([expect.stringMatching(/expert "wide": intermediate_size is 32/), expect.stringMatching(/expert "wide": vision_model\.encoder\.layers\.0\.mlp\.fc1\.weight has shape \[32,8\]/)]) });
  });

  it('rejects unknown methods, parameters and values before reading anything', async () => {
    await expect(mergeInMemory({ ...pool, method: 'soup' })).rejects.toThrow(/unknown merge method "soup"/);
    await expect(mergeInMemory({ ...pool, method: 'ties', params: { lamda: 1 } })).rejects.toThrow(/unknown parameter "lamda"/);
    await expect(mergeInMemory({ ...pool, method: 'ties', params: { k: 0 } })).rejects.toBeInstanceOf(MergelabError);
    await expect(mergeInMemory({ ...pool, experts: [], method: 'average' })).rejects.toThrow(/at least one expert/);
  });
});
