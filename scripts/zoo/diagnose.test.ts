// The zoo diagnosis on the shipped zoo: the sum ratio agrees with the norms and pairwise cosines
// of the lab's task-vector analytics (‖Στ‖² = Σ‖τ‖² + 2Σ cos·‖τa‖‖τb‖, computed independently),
// the ratios are in range, and the sweep at λ 0, 1/8 and 0.3 reproduces the pretrained, weight
// averaging and Task Arithmetic averages that `npm run zoo` recorded, without leaking tensors.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openSuiteDir } from '../../src/engine/data/suite-dir.node.js';
import { taskVectorAnalytics } from '../../src/engine/eval/task-vectors';
import { patchWasmTransposedMatMul } from '../../src/engine/train/wasm-matmul';
import { type ZooRecord, diagnoseZoo, mergeRecords } from './diagnose';
import type { ZooResults } from './pipeline';

const DIR = 'public/zoo/mini8';

beforeAll(async () => {
  await tf.setBackend('wasm');
  patchWasmTransposedMatMul();
});
afterAll(async () => { await tf.setBackend('cpu'); });

it('measures task-vector size, similarity and the λ sweep of the shipped zoo consistently', async () => {
  const results = JSON.parse(await readFile(`${DIR}/results.json`, 'utf8')) as ZooResults;
  const before = tf.memory().numTensors;
  const d = await diagnoseZoo(DIR, [0, 0.125, 0.3]);
  expect(tf.memory().numTensors).toBe(before);

  const suite = await openSuiteDir(DIR);
  const tv = await taskVectorAnalytics(suite.pretrained, [...suite.experts].map(([task, checkpoint]) => ({ task, checkpoint })));
  const T = tv.norms.length;
  let sq = 0;
  for (let a = 0; a < T; a++) for (let b = 0; b < T; b++) sq += tv.cosine[a][b] * tv.norms[a] * tv.norms[b];
  expect(d.sumRatio).toBeCloseTo(Math.sqrt(sq) / tv.norms.reduce((x, y) => x + y, 0), 4);
  expect(d.sumRatio).toBeLessThanOrEqual(1);
  expect(Object.values(d.relativeNorm).map((r) => r * d.pretrainedNorm)).toEqual(tv.norms.map((n) => expect.closeTo(n, 6)));
  expect(d.cosine.max).toBeGreaterThanOrEqual(d.cosine.mean);
  for (const v of Object.values(d.relativeNormByGroup)) expect(v).toBeGreaterThan(0);

  const full = results.full.rows;
  expect(d.sweep.map((p) => p.accuracy)).toEqual([full.pretrained, full.average, full.task_arithmetic].map((r) => expect.closeTo(r.average, 6)));
}, 120_000);

it('--append replaces a re-diagnosed suite in place and adds new ones after the kept records', () => {
  const rec = (suite: string, lr: number) => ({ finetune: { steps: 1, batch: 1, lr, weightDecay: 0 }, averages: {}, diagnosis: { suite } }) as unknown as ZooRecord;
  const merged = mergeRecords([rec('a', 1), rec('b', 1)], [rec('b', 2), rec('c', 3)]);
  expect(merged.map((r) => [r.diagnosis.suite, r.finetune.lr])).toEqual([['a', 1], ['b', 2], ['c', 3]]);
});
