/**
 * Cancellation across the worker boundary: a long call is started with a jobId, and cancel(jobId)
 * (a separate message, handled between the call's awaits) flips the signal the engine checks
 * between tensors and batches. A cancel that arrives before its call started still counts.
 */
export interface JobSignal {
  readonly aborted: boolean;
}

export class Jobs {
  private readonly live = new Map<string, { aborted: boolean }>();
  private readonly early = new Set<string>();

  /** The signal for a call; `undefined` jobId = not cancellable. */
  start(jobId: string | undefined): JobSignal {
    const s = { aborted: false };
    if (jobId === undefined) return s;
    if (this.early.delete(jobId)) s.aborted = true;
    this.live.set(jobId, s);
    return s;
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
