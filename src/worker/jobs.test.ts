/** Cancellation tokens of the worker: a cancel before, during and after its call. */
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
});
