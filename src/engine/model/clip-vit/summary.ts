/** A checkpoint's summary as plain JSON (for the page, the worker boundary and `mergelab inspect`). */
import type { Checkpoint, CheckpointFormat } from './checkpoint';
import type { ClipVisionConfig } from './config';

export interface CheckpointSummary {
  name: string;
  format: CheckpointFormat;
  layout: string;
  config: ClipVisionConfig;
  configSource: Checkpoint['configSource'];
  /** Scalars in the canonical parameters. */
  paramCount: number;
  /** Canonical parameters (open_clip's in_proj counts as three: q, k, v). */
  tensorCount: number;
  /** Stored dtype → number of stored tensors used. */
  dtypes: Record<string, number>;
  /** Bytes of the weight file(s). */
  fileBytes: number;
  notes: string[];
}

export function summarize(ck: Checkpoint): CheckpointSummary {
  return {
    name: ck.name,
    format: ck.format,
    layout: ck.layout,
    config: { ...ck.config },
    configSource: ck.configSource,
    paramCount: ck.params.reduce((a, p) => a + p.shape.reduce((x, d) => x * d, 1), 0),
    tensorCount: ck.params.length,
    dtypes: { ...ck.dtypes },
    fileBytes: ck.fileBytes,
    notes: [...ck.notes],
  };
}
