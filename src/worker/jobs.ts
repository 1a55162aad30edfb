/**
 * Cancellation across the worker boundary: a long call is started with a jobId, and cancel(jobId)
 * (a separate message, handled between the call's awaits) flips the signal the engine checks
 * between tensors and batches. A cancel that arrives before its call started still counts.
 * Each job also keeps the high-water of `bytesInUse` (the worker passes tfjs's bytes in use),
 * sampled when the job starts, at every read of its signal (the engine's checkpoints between
 * tensors, batches and steps) and when it ends: a sampled lower bound of the true peak.
 */
export interface JobSignal {
  readonly aborted: boolean;
  /** Highest bytesInUse seen so far in this job. */
  readonly peakBytes: number;
}

interface JobState { aborted: boolean; peakBytes: number }

export class Jobs {
  private readonly live = new Map<string, JobState>();
  private readonly early = new Set<string>();

  constructor(private readonly bytesInUse: () => number = () => 0) {}

  /** The signal for a call; `undefined` jobId = not cancellable. */
  start(jobId: string | undefined): JobSignal {
    const s: JobState = { aborted: false, peakBytes: this.bytesInUse() };
    const sample = () => { s.peakBytes = Math.max(s.peakBytes, this.bytesInUse()); };
    const signal: JobSignal = {
      get aborted() { sample(); return s.aborted; },
      get peakBytes() { sample(); return s.peakBytes; },
    };
    if (jobId === undefined) return signal;
    if (this.early.delete(jobId)) s.aborted = true;
    this.live.set(jobId, s);
    return signal;
  }

  end(jobId: string | undefined): void {
    if (jobId !== undefined) this.live.delete(jobId);
  }

  cancel(jobId: string): void {
    const s = this.live.get(jobId);
    if (s) s.aborted = true;
    else this.early.add(jobId);
  }

  /** Runs `fn` with the job's signal and forgets the job when it settles. */
  async run<T>(jobId: string | undefined, fn: (signal: JobSignal) => Promise<T>): Promise<T> {
    const signal = this.start(jobId);
    try {
      return await fn(signal);
    } finally {
      this.end(jobId);
    }
  }
}
