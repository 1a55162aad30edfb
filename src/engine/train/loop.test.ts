// The shared training loop, driving a real trainer (Representation Surgery on synthetic cached
// features): step-by-step driving, progress figures with an injected clock, evaluation every N
// steps, pause/resume equals an uninterrupted run, cancel keeps the model usable and leaks nothing.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { SurgeryModel, type SurgeryTask } from '../trained/surgery';
import { resolveTrainedParams } from '../catalogue';
import { head, randomRows } from '../trained/testing.node';
import { CancelledError, MergelabError } from '../errors';
import { createRng } from '../random';
import { TrainingLoop } from './loop';
import { BatchSampler } from './data';

const tasks: SurgeryTask[] = [0, 1].map((t) => ({ name: `t${t}`, head: head(`t${t}`, 3, 8, t), n: 24, merged: randomRows(24, 8, t), individual: randomRows(24, 8, 9 + t, 0.5) }));
const model = (iterations = 5, seed = 3) => new SurgeryModel(tasks, resolveTrainedParams('surgery', { rank: 2, iterations, lr: 1e-2 }), 100, createRng(seed));

describe('TrainingLoop', () => {
  it('steps one at a time with loss, steps/s and ETA from the measured step time', async () => {
    let clock = 0;
    const m = model(5); // 5 iterations × 2 tasks × 2 batches = 20 steps
    const trainer = { totalSteps: m.totalSteps, step: async (i: number) => { clock += 50; return m.step(i); }, dispose: () => m.dispose() };
    const seen: number[] = [];
    const loop = new TrainingLoop(trainer, { now: () => clock, onProgress: (p) => seen.push(p.step) });
    expect(loop.progress).toMatchObject({ state: 'ready', step: 0, totalSteps: 20, loss: null, etaSeconds: null });
    const p = await loop.step();
    expect(p.step).toBe(1);
    expect(p.loss).toBeGreaterThan(0);
    expect(p.stepsPerSecond).toBeCloseTo(20, 9); // 50 ms per step
    expect(p.etaSeconds).toBeCloseTo(19 * 0.05, 9);
    clock += 10_000; // time outside steps (evaluation, a pause) does not count
    await loop.step();
    expect(loop.progress.stepsPerSecond).toBeCloseTo(20, 9);
    expect(seen).toEqual([1, 2]);
    m.dispose();
  });

  it('evaluates every N steps and after the last one', async () => {
    const m = model(3); // 12 steps
    const at: number[] = [];
    const loop = new TrainingLoop(m, { evalEvery: 5, onEval: (s) => { at.push(s); } });
    const p = await loop.run();
    expect(p.state).toBe('done');
    expect(at).toEqual([5, 10, 12]);
    await loop.step(); // a finished loop does nothing
    expect(loop.losses).toHaveLength(12);
    m.dispose();
  });

  it('pause then resume gives exactly the uninterrupted run', async () => {
    const whole = model(4);
    const ref = new TrainingLoop(whole);
    await ref.run();
    const m = model(4);
    const loop = new TrainingLoop(m, { onProgress: (p) => { if (p.step === 7) loop.pause(); } });
    expect((await loop.run()).state).toBe('paused');
    expect(loop.losses).toHaveLength(7);
    expect((await loop.run()).state).toBe('done');
    expect(loop.losses).toEqual(ref.losses);
    expect(await m.corrected(1)).toEqual(await whole.corrected(1));
    whole.dispose();
    m.dispose();
  });

  it('cancel stops between steps; the model keeps its state, stays usable, and nothing leaks', async () => {
    const before = tf.memory().numTensors;
    const m = model(10);
    const loop = new TrainingLoop(m, { onProgress: (p) => { if (p.step === 3) loop.cancel(); } });
    const p = await loop.run();
    expect(p.state).toBe('cancelled');
    expect(p.step).toBe(3);
    await expect(loop.step()).rejects.toBeInstanceOf(CancelledError);
    expect((await m.predict('t0')).length).toBe(24);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects an empty schedule and a diverged loss with typed errors', async () => {
    expect(() => new TrainingLoop({ totalSteps: 0, step: async () => 0, dispose: () => {} })).toThrow(MergelabError);
    const loop = new TrainingLoop({ totalSteps: 2, step: async () => NaN, dispose: () => {} });
    await expect(loop.step()).rejects.toMatchObject({ code: 'non-finite' });
  });
});

describe('BatchSampler', () => {
  it('draws shuffled epochs without repeats inside one, reproducibly for a seed', () => {
    const s = new BatchSampler(10, createRng(1));
    const epoch = [...s.next(4), ...s.next(4)];
    expect(new Set(epoch).size).toBe(8);
    const next = s.next(4); // 2 left < 4: a new permutation
    expect(new Set(next).size).toBe(4);
    expect(new BatchSampler(10, createRng(1)).next(4)).toEqual(epoch.slice(0, 4));
    expect(new BatchSampler(3, createRng(1)).next(16)).toHaveLength(3);
  });
});
