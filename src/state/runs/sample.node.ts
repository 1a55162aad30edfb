/** A hand-written run record for the runs tests (table, CSV, database), varied by `over`. */
import { RUN_RECORD_VERSION, type RunRecord } from './record';

export function sampleRecord(id: string, createdAt: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    version: RUN_RECORD_VERSION, id, kind: 'merge', label: `run ${id}`,
    stages: [{ stage: 'merge', method: 'task_arithmetic', params: { lambda: 0.3 }, steps: 0 }],
    seed: null, preset: null, imageLimit: 8,
    inputs: [{ role: 'pretrained', name: 'pre', bytes: 10, fingerprint: 'ab' }], fingerprintKind: 'kind',
    suite: 'tiny', backend: 'cpu', wallSeconds: 1.5, peakBytes: 1000,
    tasks: [{ task: 'a', images: 8, accuracy: 50, normalized: 62.5, individual: 80, pretrained: 20 }],
    average: { accuracy: 50, normalized: 62.5, individual: 80, pretrained: 20 },
    extraParams: 0, notes: [], createdAt, ...over,
  };
}
