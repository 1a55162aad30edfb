// RunControl: pause holds a loop without polling until resume; stop ends it early with what it
// did; cancel (also while paused) rejects with CancelledError; a stop before the loop starts
// gives zero steps. A fake trainer stands in for a method (no tensors).
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../errors';
import { TrainingLoop, type Trainer } from '../train/loop';
import { RunControl } from './control';

const trainer = (totalSteps: number, onStep?: (i: number) => void): Trainer => ({
  totalSteps, step: async (i) => { onStep?.(i); return 1; }, dispose: () => undefined,
});

describe('RunControl', () => {
  it('holds a paused loop until resume, telling its hooks', async () => {
    const events: string[] = [];
    const c = new RunControl({ onPaused: () => events.push('paused'), onResumed: () => events.push('resumed') });
    const run = c.run(new TrainingLoop(trainer(6, (i) => { if (i === 1) c.pause(); })));
    await new Promise((r) => setTimeout(r, 30));
    expect(events).toEqual(['paused']);
    c.resume();
    const p = await run;
    expect(p.step).toBe(6);
    expect(events).toEqual(['paused', 'resumed']);
  });

  it('stops early with the steps done, and before the start with none', async () => {
    const c = new RunControl();
    expect((await c.run(new TrainingLoop(trainer(10, (i) => { if (i === 2) c.stop(); })))).step).toBe(3);
    expect(c.stoppedEarly).toBe(true);
    const early = new RunControl();
    early.stop();
    expect((await early.run(new TrainingLoop(trainer(10)))).step).toBe(0);
  });

  it('rejects with CancelledError when cancelled, running or paused', async () => {
    const c = new RunControl();
    await expect(c.run(new TrainingLoop(trainer(10, (i) => { if (i === 2) c.cancel(); })))).rejects.toBeInstanceOf(CancelledError);
    const p = new RunControl();
    const run = p.run(new TrainingLoop(trainer(10, (i) => { if (i === 0) p.pause(); })));
    await new Promise((r) => setTimeout(r, 20));
    p.cancel();
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });
});
