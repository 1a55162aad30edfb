/**
 * The worker's evaluation on a stratified sample: `sample` in EvalOptions scores that many images
 * per task, the report says sampled N of M, the numbers equal the engine's own evaluation of the
 * same sample, and progress carries the measured throughput (images/s) for an ETA.
 */
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampledSuite } from '../engine/data/sampled-suite';
import { nodeImageDecoder } from '../engine/data/png-decoder.node';
import { openSuiteDir } from '../engine/data/suite-dir.node';
import { SuiteEvaluator, buildReport } from '../engine/eval/evaluate';
import { fixturePath } from '../engine/testing/fixtures.node';
import type { EngineApi, Progress } from './api';
import { createInProcessEngine } from './in-process';
import { pickedFolder } from './lab-files.node';

const SUITE = fixturePath('suite-tiny');
const FAMILY = fixturePath('real-family');

describe('engine API: evaluation on a stratified sample', () => {
  let api: EngineApi;
  beforeAll(async () => {
    api = createInProcessEngine({ decoder: nodeImageDecoder });
    await api.init({ force: 'cpu' });
  });

  it('scores N of M images per task, like the engine on the same sample, with images/s in the progress', async () => {
    const s = await api.openSuite('suite-tiny', await pickedFolder(SUITE));
    const progress: Progress[] = [];
    const r = await api.evaluate(s.id, null, { sample: { size: 8, seed: 2 }, batchSize: 4 }, (p) => progress.push(p));
    for (const t of ['waves', 'folders', 'scans']) expect(r.tasks[t]).toMatchObject({ images: 8, total: 24, sampled: true });
    const ev = new SuiteEvaluator(await openSuiteDir(SUITE));
    const expected = buildReport(ev.suite, await ev.references({ sample: { size: 8, seed: 2 } }));
    for (const t of ['waves', 'folders', 'scans']) {
      expect(r.tasks[t].pretrained.accuracy).toBeCloseTo(expected.tasks[t].pretrained.accuracy, 9);
      expect(r.tasks[t].individual.accuracy).toBeCloseTo(expected.tasks[t].individual.accuracy, 9);
    }
    ev.dispose();
    const images = progress.filter((p) => p.unit === 'images');
    expect(images.length).toBeGreaterThan(0);
    expect(images.every((p) => typeof p.perSecond === 'number' && p.perSecond > 0)).toBe(true);
    const full = await api.evaluate(s.id, null, {});
    expect(full.tasks.waves).toMatchObject({ images: 24, total: 24, sampled: false });
    await api.closeSuite(s.id);
  });

  it('the page\'s sample (seed 0) is the suite\'s sampled view: the same figures as the engine on sampledSuite; closing the suite frees its views', async () => {
    // real-family: FusionBench-style experts without a projection, so each evaluator loads the pretrained one.
    const dir = await mkdtemp(join(tmpdir(), 'mergelab-sample-view-'));
    const tasks = ['eurosat', 'svhn', 'mnist'];
    for (const f of ['clip-vit-base-patch32', ...tasks.flatMap((t) => [`clip-vit-base-patch32_${t}`, t])]) await symlink(join(FAMILY, f), join(dir, f));
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({
      name: 'family', image_size: 32, pretrained: 'clip-vit-base-patch32', tasks: tasks.map((name) => ({ name })),
      experts: Object.fromEntries(tasks.map((t) => [t, `clip-vit-base-patch32_${t}`])), data: Object.fromEntries(tasks.map((t) => [t, t])),
    }));
    try {
      const before = tf.memory().numTensors;
      const s = await api.openSuite('family', await pickedFolder(dir));
      const r = await api.evaluate(s.id, null, { sample: { size: 10 } });
      const ev = new SuiteEvaluator(sampledSuite(await openSuiteDir(dir), { size: 10, seed: 0 }));
      const expected = buildReport(ev.suite, await ev.references());
      ev.dispose();
      for (const t of tasks) {
        expect(r.tasks[t]).toMatchObject({ images: 10, total: 30, sampled: true });
        expect(r.tasks[t].pretrained.accuracy).toBe(expected.tasks[t].pretrained.accuracy);
        expect(r.tasks[t].individual.accuracy).toBe(expected.tasks[t].individual.accuracy);
      }
      await api.closeSuite(s.id);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
