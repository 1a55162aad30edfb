/**
 * Pause, resume, stop early and cancel of a training run, in one place: the caller (the worker's
 * train jobs, a test) holds a RunControl and calls its methods at any time; runExperiment drives
 * each stage's TrainingLoop through run(), which hands pending requests to the loop, waits out a
 * pause without polling (resume, stop or cancel wakes it) and turns a cancel into CancelledError
 * (a cancelled run keeps nothing; stop keeps what was learnt).
 */
import { CancelledError } from '../errors';
import type { TrainingLoop, TrainProgress } from '../train/loop';

export interface ControlHooks {
  /** The running stage has paused (after its current step). */
  onPaused?(): void;
  /** It goes on after a pause. */
  onResumed?(): void;
}

export class RunControl {
  private paused = false;
  private stopped = false;
  private cancelled = false;
  private loop: TrainingLoop | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly hooks: ControlHooks = {}) {}

  /** Whether stop() ended the schedule early. */
  get stoppedEarly(): boolean {
    return this.stopped;
  }

  /** Pauses the running stage after its current step (ignored once stopped). */
  pause(): void {
    if (this.stopped) return;
    this.paused = true;
    this.loop?.pause();
  }

  resume(): void {
    this.paused = false;
    this.wakeUp();
  }

  /** Ends the schedule now: the current stage ends after its step and what was learnt is used. */
  stop(): void {
    this.stopped = true;
    this.paused = false;
    this.loop?.stop();
    this.wakeUp();
  }

  /** Ends the run for good after the current step: run() rejects with CancelledError. */
  cancel(): void {
    this.cancelled = true;
    this.loop?.cancel();
    this.wakeUp();
  }

  /** Throws CancelledError once cancelled (for checkpoints between a run's other work). */
  check(): void {
    if (this.cancelled) throw new CancelledError('training');
  }

  /** Runs one stage's loop to its end under this control: its schedule, stop() or cancel() (rejects). */
  async run(loop: TrainingLoop): Promise<TrainProgress> {
    this.check();
    this.loop = loop;
    try {
      if (this.stopped) loop.stop();
      let p = await loop.run();
      while (p.state === 'paused') {
        this.hooks.onPaused?.();
        if (this.paused && !this.stopped && !this.cancelled) await new Promise<void>((r) => { this.wake = r; });
        this.check();
        this.hooks.onResumed?.();
        p = await loop.run();
      }
      // Cancel keeps nothing (stop() is the way to end early and keep what was learnt).
      if (p.state === 'cancelled') throw new CancelledError('training');
      return p;
    } finally {
      this.loop = null;
    }
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
