/**
 * The one training loop every trained method shares (AdaMerging, Surgery, IntervMerge, Tinting).
 * A method supplies a Trainer (its variables, its optimiser and `step(i)`); the loop owns the
 * schedule position, the live figures (loss, steps/s, ETA), pause/resume, cancel and the
 * evaluate-every-N-steps callback. It is driven one `step()` at a time or by `run()`, so a Web
 * Worker can drive it between messages. Every report is plain data (postMessage-safe).
 * Cancelling stops between steps: the trainer keeps its current parameters and stays usable;
 * the caller disposes it.
 */
import { CancelledError, MergelabError } from '../errors';

export interface Trainer {
  /** Steps of the whole schedule. */
  readonly totalSteps: number;
  /** Runs step i (0-based, i < totalSteps) and resolves to its loss, or null for a step it skipped (Tinting when its filter kept nothing). No tensor may survive it except the trainer's own state. */
  step(i: number): Promise<number | null>;
  /** Frees the trainer's variables and optimiser state. */
  dispose(): void;
}

/** 'stopped': ended early by stop() (what was learnt is kept); 'cancelled': by cancel() (nothing is to be kept). */
export type TrainState = 'ready' | 'running' | 'paused' | 'done' | 'stopped' | 'cancelled';

export interface TrainProgress {
  state: TrainState;
  /** Steps done. */
  step: number;
  totalSteps: number;
  /** Loss of the last step (null before the first, or when it was skipped). */
  loss: number | null;
  /** Steps the trainer skipped so far. */
  skipped: number;
  /** Mean loss over the last `window` steps that were not skipped. */
  smoothedLoss: number | null;
  /** Measured over the training steps only (evaluation and pauses excluded). */
  stepsPerSecond: number;
  /** Seconds of training left at the current speed (null before the first step). */
  etaSeconds: number | null;
  /** Seconds spent in training steps so far. */
  trainSeconds: number;
}

export interface LoopOptions {
  /** Calls onEval after every `evalEvery` steps (and after the last one); 0 = never. */
  evalEvery?: number;
  onEval?: (step: number) => Promise<void> | void;
  /** After every step. */
  onProgress?: (p: TrainProgress) => void;
  /** Steps the smoothed loss averages over (default 20). */
  window?: number;
  /** Milliseconds clock (tests inject one). */
  now?: () => number;
}

export class TrainingLoop {
  /** Loss of every step done, in order (null: skipped). */
  readonly losses: (number | null)[] = [];
  private stateNow: TrainState = 'ready';
  private trainMs = 0;
  private pauseRequested = false;
  private cancelRequested = false;
  private stopRequested = false;
  private readonly now: () => number;

  constructor(readonly trainer: Trainer, private readonly opts: LoopOptions = {}) {
    if (!Number.isInteger(trainer.totalSteps) || trainer.totalSteps < 1) {
      throw new MergelabError('usage', `a training schedule needs at least one step (got ${trainer.totalSteps}).`, 'Set iterations to 1 or more.');
    }
    this.now = opts.now ?? (() => performance.now());
  }

  get state(): TrainState {
    return this.stateNow;
  }

  get progress(): TrainProgress {
    const done = this.losses.length;
    const sps = this.trainMs > 0 ? (1000 * done) / this.trainMs : 0;
    const w = this.losses.slice(-(this.opts.window ?? 20)).filter((v): v is number => v !== null);
    return {
      state: this.stateNow, step: done, totalSteps: this.trainer.totalSteps,
      loss: done ? this.losses[done - 1] : null, skipped: this.losses.filter((v) => v === null).length,
      smoothedLoss: w.length ? w.reduce((a, b) => a + b, 0) / w.length : null,
      stepsPerSecond: sps, etaSeconds: sps > 0 ? (this.trainer.totalSteps - done) / sps : null, trainSeconds: this.trainMs / 1000,
    };
  }

  /** Runs exactly one step (plus the evaluation due after it). Throws CancelledError after cancel(). */
  async step(): Promise<TrainProgress> {
    if (this.stateNow === 'cancelled') throw new CancelledError('training');
    if (this.stateNow === 'done' || this.stateNow === 'stopped') return this.progress;
    const i = this.losses.length;
    const t0 = this.now();
    const loss = await this.trainer.step(i);
    this.trainMs += this.now() - t0;
    if (loss !== null && !Number.isFinite(loss)) {
      throw new MergelabError('non-finite', `Training diverged: the loss of step ${i + 1} is ${loss}.`, 'Lower the learning rate, or check the inputs (a model or feature with NaN/Inf values).');
    }
    this.losses.push(loss);
    if (this.losses.length === this.trainer.totalSteps) this.stateNow = 'done';
    this.opts.onProgress?.(this.progress);
    const every = this.opts.evalEvery ?? 0;
    const n = this.losses.length;
    if (this.opts.onEval && every > 0 && (n % every === 0 || n === this.trainer.totalSteps)) await this.opts.onEval(n);
    return this.progress;
  }

  /** Steps until the schedule is done, pause(), stop() or cancel(). Resolves to the progress at the stop. */
  async run(): Promise<TrainProgress> {
    if (this.stateNow === 'done' || this.stateNow === 'stopped' || this.stateNow === 'cancelled') return this.progress;
    this.pauseRequested = false;
    this.stateNow = 'running';
    while (this.stateNow === 'running') {
      if (this.cancelRequested) { this.stateNow = 'cancelled'; break; }
      if (this.stopRequested) { this.stateNow = 'stopped'; break; }
      if (this.pauseRequested) { this.stateNow = 'paused'; break; }
      await this.step();
      // Let messages (pause, cancel, progress reads) through between steps.
      await new Promise<void>((r) => setTimeout(r, 0));
    }
    return this.progress;
  }

  /** Stops after the current step; run() resolves with state 'paused'. Resume with run(). */
  pause(): void {
    if (this.stateNow === 'running') this.pauseRequested = true;
  }

  /** Ends the schedule early after the current step ("Stop early"): run() resolves with state 'stopped' and what was learnt is used. */
  stop(): void {
    this.stopRequested = true;
    if (this.stateNow === 'ready' || this.stateNow === 'paused') this.stateNow = 'stopped';
  }

  /**
   * Stops after the current step for good: run() resolves with state 'cancelled', and callers
   * must discard the run (runExperiment rejects with CancelledError). The trainer keeps its
   * parameters; dispose it yourself.
   */
  cancel(): void {
    this.cancelRequested = true;
    if (this.stateNow !== 'running') this.stateNow = this.stateNow === 'done' ? 'done' : 'cancelled';
  }
}
