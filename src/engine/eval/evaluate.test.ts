import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSuiteDir } from '../data/suite-dir.node';
import type { Suite } from '../data/suite';
import { type TinyTask, randomHead, randomImages, writeTensors, writeTinySuite } from '../data/tiny-suite.node';
import { CancelledError } from '../errors';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import { clipVisionForward } from '../model/clip-vit/forward';
import { loadParams } from '../model/clip-vit/load';
import { normalizeU8NHWC, preprocessImage } from '../model/clip-vit/preprocess';
import { type ParamMap, disposeParams } from '../params/param-map';
import { createRng } from '../random';
import { loadFixtureTensors } from '../testing/fixtures.node';
import { buildReport, SuiteEvaluator } from './evaluate';
import { FeatureCache } from './features';

const P = 32; // tiny-a projection_dim
const SCALE = 100;
const TINY_A: ClipVisionConfig = { hiddenSize: 64, intermediateSize: 256, numLayers: 2, numHeads: 4, imageSize: 32, patchSize: 8, numChannels: 3, projectionDim: P, hiddenAct: 'quick_gelu', layerNormEps: 1e-5 };

async function fixtureParams(...path: string[]): Promise<ParamMap> {
  const m = await loadFixtureTensors(...path, 'model.safetensors');
  return new Map([...m].map(([n, d]) => [n, tf.tensor(d.values as Float32Array, d.shape)]));
}

/** The test's own pipeline: preprocess → forward → tf logits → argmax (no engine eval code). */
function predict(params: ParamMap, pixels: Float32Array, n: number, head: Float32Array, C: number): number[] {
  return tf.tidy(() => {
    const o = clipVisionForward(params, TINY_A, tf.tensor4d(pixels, [n, 3, 32, 32]));
    const z = o.imageEmbeds!; // [n, P]
    const logits = tf.matMul(tf.div(z, tf.norm(z, 2, 1, true)), tf.tensor2d(head, [C, P]), false, true).mul(SCALE); // [n, C]
    return Array.from(logits.argMax(1).dataSync());
  });
}

function pixelsOf(t: TinyTask): Float32Array {
  const [N, H, W, C] = t.shape;
  if (H === 32 && W === 32 && C === 3) return normalizeU8NHWC(t.images, N, H, W);
  const out = new Float32Array(N * 3 * 32 * 32);
  for (let i = 0; i < N; i++) out.set(preprocessImage({ width: W, height: H, channels: C as 1 | 3, data: t.images.subarray(i * H * W * C, (i + 1) * H * W * C) }, 32), i * 3 * 1024);
  return out;
}

const withoutProjection = (m: ParamMap): ParamMap => new Map([...m].filter(([n]) => n !== 'visual_projection.weight'));

const accuracyPct = (pred: number[], labels: Int32Array) => (100 * pred.filter((p, i) => p === labels[i]).length) / labels.length;

describe('suite evaluation end to end', () => {
  let dir: string;
  let suite: Suite;
  let tasks: TinyTask[];
  const heads: Record<string, Float32Array> = {};
  const models: Record<string, ParamMap> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mergelab-eval-'));
    const u8 = (await loadFixtureTensors('tiny-a', 'inputs.safetensors')).get('images_uint8')!;
    const spec: [string, number, TinyTask['form'], number, number, number, Uint8Array?][] = [
      ['t0', 3, 'safetensors', 4, 32, 3, u8.values as Uint8Array], // the golden inputs
      ['t1', 4, 'imagefolder', 6, 32, 3],
      ['t2', 2, 'idx', 5, 28, 1],
      ['t3', 5, 'safetensors', 7, 40, 3],
    ];
    models.pretrained = await fixtureParams('tiny-a');
    const rng = createRng(11);
    tasks = [];
    for (const [i, [name, C, form, N, S, ch, given]] of spec.entries()) {
      heads[name] = randomHead(C, P, 100 + i);
      const images = given ?? randomImages(N, S, S, ch, 200 + i);
      const t: TinyTask = { name, classes: Array.from({ length: C }, (_, c) => `c${c}`), expert: `merge/task-${i}`, images, shape: [N, S, S, ch], labels: new Int32Array(N), form };
      // Labels: the pretrained model's prediction on even images, random on odd ones (mixed accuracy).
      const pred = predict(models.pretrained, pixelsOf(t), N, heads[name], C);
      t.labels = Int32Array.from(pred, (p, k) => (k % 2 ? rng.int(C) : p));
      tasks.push(t);
      models[name] = await fixtureParams('merge', `task-${i}`);
    }
    models.merged = await fixtureParams('merge', 'merged-task-arithmetic-0.3');
    await writeTinySuite(dir, tasks, { heads, logitScale: SCALE });
    suite = await openSuiteDir(dir);
  });

  afterAll(async () => {
    Object.values(models).forEach(disposeParams);
    await rm(dir, { recursive: true, force: true });
  });

  const expected = (model: string, t: TinyTask) => accuracyPct(predict(models[model], pixelsOf(t), t.shape[0], heads[t.name], t.classes.length), t.labels);

  it('scores pretrained, individual and a merge like an independent forward + argmax, and caches features', async () => {
    const before = tf.memory().numTensors;
    const ev = new SuiteEvaluator(suite, new FeatureCache());
    const events: string[] = [];
    const refs = await ev.references({ batchSize: 4, onProgress: (p) => events.push(`${p.stage}:${p.task}:${p.done}/${p.total}`) });
    const merged = await ev.score({ key: 'ta-0.3', params: models.merged });
    for (const t of tasks) {
      expect(refs.pretrained[t.name]).toBeCloseTo(expected('pretrained', t), 9);
      expect(refs.individual[t.name]).toBeCloseTo(expected(t.name, t), 9);
      expect(merged[t.name]).toBeCloseTo(expected('merged', t), 9);
      expect(refs.images[t.name]).toBe(t.shape[0]);
    }
    expect(events).toContain('pretrained:t3:4/7');
    expect(events).toContain('individual:t0:4/4');
    expect(ev.cache.size).toBe(12);

    // Cached: the references and the merge come back with no forward pass.
    events.length = 0;
    expect(await ev.references({ onProgress: (p) => events.push(p.task) })).toEqual(refs);
    expect(await ev.score({ key: 'ta-0.3', params: models.merged }, { onProgress: (p) => events.push(p.task) })).toEqual(merged);
    expect(events).toEqual([]);

    const report = buildReport(suite, refs, merged);
    const r0 = report.tasks.t0;
    expect(r0.merged!.accuracy).toBe(merged.t0);
    expect(r0.merged!.normalized).toBeCloseTo((100 * merged.t0) / refs.individual.t0, 9);
    const names = tasks.map((t) => t.name);
    expect(report.average.merged!.accuracy).toBeCloseTo(names.reduce((s, n) => s + merged[n], 0) / 4, 9);
    expect(report.average.individual.accuracy).toBeCloseTo(names.reduce((s, n) => s + refs.individual[n], 0) / 4, 9);
    ev.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('returns golden image features and per-layer CLS tokens', async () => {
    const golden = await loadFixtureTensors('tiny-a', 'golden.safetensors');
    const ev = new SuiteEvaluator(suite);
    const f = await ev.features({ key: 'pre', params: models.pretrained }, 't0', { hiddenStates: true });
    expect([f.n, f.dim, f.cls!.length]).toEqual([4, P, 3]);
    const emb = golden.get('image_embeds')!.values;
    f.z.forEach((v, i) => expect(Math.abs(v - emb[i])).toBeLessThan(1e-4));
    for (let l = 0; l <= 2; l++) {
      const h = golden.get(`hidden_states.${l}`)!.values; // [4, 17, 64]
      for (let b = 0; b < 4; b++) for (let d = 0; d < 64; d++) expect(Math.abs(f.cls![l][b * 64 + d] - h[b * 17 * 64 + d])).toBeLessThan(1e-4);
    }
  });

  it('honours limit (first N images) and cancels between batches', async () => {
    const ev = new SuiteEvaluator(suite);
    const t3 = tasks[3];
    const f = await ev.features({ key: 'pre', params: models.pretrained }, 't3', { limit: 3 });
    expect(f.n).toBe(3);
    const first3 = predict(models.pretrained, pixelsOf(t3).subarray(0, 3 * 3072), 3, heads.t3, 5);
    expect(ev.accuracy('t3', f)).toBeCloseTo(accuracyPct(first3, t3.labels.subarray(0, 3)), 9);

    const signal = { aborted: false };
    const run = ev.score({ key: 'm', params: models.merged }, { batchSize: 2, signal, onProgress: () => { signal.aborted = true; } });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(ev.cache.size).toBe(1); // only the completed limit-3 features
  });

  it('uses the pretrained projection for an expert without one (FusionBench convention)', async () => {
    const fb = `${dir}-fusionbench`;
    await cp(dir, fb, { recursive: true });
    // Every expert without visual_projection (FusionBench's checkpoints): the pretrained one is used.
    for (let i = 0; i < 4; i++) {
      const m = await loadFixtureTensors('merge', `task-${i}`, 'model.safetensors');
      m.delete('visual_projection.weight');
      const folder = join(fb, 'models', `t${i}`);
      await writeTensors(join(folder, 'model.safetensors'), Object.fromEntries([...m].map(([n, d]) => [n, { dtype: 'F32' as const, shape: d.shape, values: d.values }])));
      const config = JSON.parse(await readFile(join(folder, 'config.json'), 'utf8'));
      delete config.projection_dim;
      config.architectures = ['CLIPVisionModel'];
      await writeFile(join(folder, 'config.json'), JSON.stringify(config));
    }
    try {
      const before = tf.memory().numTensors;
      const fbSuite = await openSuiteDir(fb);
      const expert = fbSuite.experts.get('t0')!;
      expect(expert.config.projectionDim).toBeNull();
      expect(fbSuite.notes.join('\n')).toMatch(/FusionBench convention/);
      const ev = new SuiteEvaluator(fbSuite);
      const refs = await ev.references();
      const params = await loadParams(expert);
      const f = await ev.features({ key: 'expert-t0', params }, 't0');
      disposeParams(params);
      ev.dispose();
      expect(tf.memory().numTensors).toBe(before);
      // Independent: z = pooler of the expert · (pretrained visual_projection)ᵀ, then the head.
      const { z, pred } = tf.tidy(() => {
        const o = clipVisionForward(withoutProjection(models.t0), { ...TINY_A, projectionDim: null }, tf.tensor4d(pixelsOf(tasks[0]), [4, 3, 32, 32]));
        const zz = tf.matMul(o.poolerOutput, models.pretrained.get('visual_projection.weight')!, false, true); // [4, P]
        const logits = tf.matMul(tf.div(zz, tf.norm(zz, 2, 1, true)), tf.tensor2d(heads.t0, [3, P]), false, true);
        return { z: zz.dataSync(), pred: Array.from(logits.argMax(1).dataSync()) };
      });
      f.z.forEach((v, i) => expect(Math.abs(v - z[i])).toBeLessThan(1e-5));
      expect(refs.individual.t0).toBeCloseTo(accuracyPct(pred, tasks[0].labels), 9);
    } finally {
      await rm(fb, { recursive: true, force: true });
    }
  });
});
