/** Cancellation tokens of the worker: a cancel before, during and after its call. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Jobs } from './jobs';

describe('jobs', () => {
  it('a cancel during a call flips its signal; the job is forgotten when the call settles', async () => {
    const jobs = new Jobs();
    const seen: boolean[] = [];
    await jobs.run('a', async (signal) => {
      seen.push(signal.aborted);
      jobs.cancel('a');
      seen.push(signal.aborted);
    });
    expect(seen).toEqual([false, true]);
    // A later call with a new id is unaffected.
    await jobs.run('b', async (signal) => { expect(signal.aborted).toBe(false); });
  });

  it('a cancel that arrives before its call starts still cancels it, once', async () => {
    const jobs = new Jobs();
    jobs.cancel('early');
    expect(await jobs.run('early', async (s) => s.aborted)).toBe(true);
    expect(await jobs.run('early', async (s) => s.aborted)).toBe(false);
  });

  it('a call without a job id cannot be cancelled, and a throwing call still ends its job', async () => {
    const jobs = new Jobs();
    expect(await jobs.run(undefined, async (s) => s.aborted)).toBe(false);
    await expect(jobs.run('x', async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    jobs.cancel('x'); // x is over: this counts as an early cancel of a future "x"
    expect(await jobs.run('x', async (s) => s.aborted)).toBe(true);
  });

  it('keeps the high-water of tfjs bytes in use sampled at the signal checks, not the bytes left at the end', async () => {
    await tf.setBackend('cpu');
    const jobs = new Jobs(() => tf.memory().numBytes);
    const before = tf.memory().numBytes;
    const peak = await jobs.run('m', async (signal) => {
      const big = tf.zeros([256, 256]); // 256 KiB of float32
      expect(signal.aborted).toBe(false); // a checkpoint while it is alive
      big.dispose();
      const small = tf.zeros([4]);
      void signal.aborted;
      small.dispose();
      return signal.peakBytes;
    });
    expect(peak).toBe(before + 256 * 256 * 4);
    expect(tf.memory().numBytes).toBe(before);
  });

  it('a job that allocates nothing peaks at what was in use when it started', async () => {
    let inUse = 1000;
    const jobs = new Jobs(() => inUse);
    const peak = await jobs.run(undefined, async (signal) => { inUse = 400; void signal.aborted; return signal.peakBytes; });
    expect(peak).toBe(1000);
  });
});
