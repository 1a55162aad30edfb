/**
 * The engine worker's kept training runs: each finished train()
 * keeps its artefacts under TrainResult.trainedId until closeTrained(id) or until its suite
 * closes. Other worker code (the bias explorer) reads them with `trained.get(id)`:
 *   suiteId, limit (images per task, null = all), tasks (suite order);
 *   features: task → { n, z [n, P] final image features, not normalised, predictions [n] };
 *   hidden:   task → Representations (engine/eval/bias.ts) of the first min(n, 512) images:
 *             CLS after every block (L + 1 arrays [m, D]) and z [m, P];
 *   modules:  the safetensors bytes of every trained tensor (engine/trained/modules.ts).
 * All of it is the FINAL corrected model's: Surgery ẑ with the base's CLS, IntervMerge the CLS
 * after each intervened block, Tinting each task's own model, AdaMerging alone its merged weights.
 * Plain arrays only (no tensors), so dropping a run frees everything.
 */
import type { Representations } from '../engine/eval/bias';
import { MergelabError } from '../engine/errors';

/** Images per task whose representations a run keeps. */
export const KEPT_HIDDEN_IMAGES = 512;

export interface KeptRun {
  suiteId: string;
  limit: number | null;
  tasks: string[];
  features: Map<string, { n: number; z: Float32Array /* [n, P] final image features, not normalised */; predictions: Int32Array }>;
  hidden: Map<string, Representations /* the first min(n, 512) images, CLS after every block + z */>;
  modules: Uint8Array /* the safetensors bytes */;
}

export class TrainedStore {
  private readonly runs = new Map<string, KeptRun>();
  private next = 1;

  /** Keeps a run; returns its id. */
  add(run: KeptRun): string {
    const id = `trained${this.next++}`;
    this.runs.set(id, run);
    return id;
  }

  get(id: string): KeptRun {
    const r = this.runs.get(id);
    if (!r) throw new MergelabError('engine', `No kept training run with id "${id}".`, 'It was closed, or its suite was closed or replaced: train it again.');
    return r;
  }

  /** Forgets a run (idempotent). */
  close(id: string): void {
    this.runs.delete(id);
  }

  /** Forgets every run of a suite (the suite closed). */
  closeSuite(suiteId: string): void {
    for (const [id, r] of this.runs) if (r.suiteId === suiteId) this.runs.delete(id);
  }
}
