/** What a merge run reports (progress by pass, stage and tensor) and the options it takes. */

export type MergeStage = 'scan' | 'merge' | 'write';

export interface MergeProgress {
  stage: MergeStage;
  /** 1-based pass over the inputs, of `passes` (scan passes, then the merge pass). */
  pass: number;
  passes: number;
  /** Tensors done in this pass, of `tensors`. */
  tensor: number;
  tensors: number;
  /** Stored bytes read so far over all passes, of `bytesTotal`. */
  bytesRead: number;
  bytesTotal: number;
}

export interface MergeRunOptions {
  /** Checked between tensors; when set, the run throws CancelledError. */
  signal?: { readonly aborted: boolean };
  onProgress?: (p: MergeProgress) => void;
  /** Use the WebAssembly SIMD kernels where available (default true; false forces the JavaScript kernels). */
  simd?: boolean;
  /**
   * Memory TIES (without consensus) may use to skip its second scan pass when the whole model is
   * merged at once (mergeStream, mergeInMemory): for the entries it settles after the merge pass
   * (deferred-ties.ts; also at most deferBytes / 12 exact cancellations). The merged model is held
   * until that pass ends. Default 0: both scan passes (the 3-pass progress the CLI and the page
   * report). 192 MiB (192 * 2 ** 20) covers ViT-B/32 pools and makes TIES ~15–20 % faster
   * (docs/benchmarks.md).
   */
  deferBytes?: number;
}
