/**
 * Run records: every finished merge or training run as a plain, versioned JSON object
 * that survives reloads (db.ts), fills the runs table and the comparison charts, and is exported
 * as CSV/JSON. Built from what the merge and train slices already hold: the engine's resolved
 * parameters, the merged file's `__metadata__` (input names, sizes and fingerprints), the
 * evaluation report and the job's memory high-water. Input fingerprints are the engine's cheap
 * content fingerprint (engine/merge/fingerprint.ts), NOT a cryptographic hash: `fingerprintKind`
 * says what they cover.
 */
import { MergelabError } from '../../engine/errors';
import { quote } from '../../engine/io/bounded';
import type { EvalReport, JobMemory, MergedModel, ParamValue, TrainResult } from '../../worker/api';

/** Version of the record's shape; a record with another version is reported, not read as this one. */
export const RUN_RECORD_VERSION = 1;

export interface RunInput {
  role: 'pretrained' | 'expert';
  name: string;
  /** Stored file size (null when the run did not record it). */
  bytes: number | null;
  /** Content fingerprint (see fingerprintKind); null when the run did not record it. */
  fingerprint: string | null;
}

export interface RunStage {
  stage: 'merge' | 'correction';
  /** A merge-registry id, "adamerging", or a correction id. */
  method: string;
  /** Resolved parameters (defaults filled in). */
  params: Record<string, ParamValue>;
  /** Training steps (0 for a closed-form merge). */
  steps: number;
}

export interface TaskScore {
  task: string;
  /** Test images scored. */
  images: number;
  /** The run's top-1 accuracy in %. */
  accuracy: number;
  /** accuracy ÷ the expert's own accuracy × 100 (null when the expert scores 0). */
  normalized: number | null;
  individual: number;
  pretrained: number;
}

export interface RunRecord {
  version: typeof RUN_RECORD_VERSION;
  id: string;
  kind: 'merge' | 'train';
  label: string;
  stages: RunStage[];
  /** Seed of the run's randomness (DARE's drop masks, training); null when the run is deterministic. */
  seed: number | null;
  /** Schedule preset of a training run. */
  preset: 'paper' | 'quick' | null;
  /** Test images per task it was scored (and trained) on; null: all. */
  imageLimit: number | null;
  inputs: RunInput[];
  /** What the input fingerprints hash (the engine's FINGERPRINT_KIND); they are not cryptographic hashes. */
  fingerprintKind: string | null;
  /** Suite name (null for a pool of loaded checkpoints, which is not evaluated). */
  suite: string | null;
  backend: string;
  wallSeconds: number;
  /** High-water of the worker's tfjs bytes in use during the run's jobs (sampled: a lower bound). */
  peakBytes: number;
  /** Per-task scores (empty when the run was not evaluated). */
  tasks: TaskScore[];
  /** Means over the tasks (null when not evaluated). */
  average: { accuracy: number; normalized: number | null; individual: number; pretrained: number } | null;
  /** Trainable parameters the run adds beyond one merged model (0 for a merge). */
  extraParams: number;
  notes: string[];
  /** ISO 8601 time the record was made. */
  createdAt: string;
}

export interface RecordContext {
  id: string;
  backend: string;
  createdAt: Date;
}

function scores(report: EvalReport | null): Pick<RunRecord, 'tasks' | 'average'> {
  if (!report || !report.average.merged) return { tasks: [], average: null };
  const tasks = Object.entries(report.tasks).map(([task, r]) => ({
    task, images: r.images, accuracy: r.merged!.accuracy, normalized: r.merged!.normalized, individual: r.individual.accuracy, pretrained: r.pretrained.accuracy,
  }));
  const a = report.average;
  return { tasks, average: { accuracy: a.merged!.accuracy, normalized: a.merged!.normalized, individual: a.individual.accuracy, pretrained: a.pretrained.accuracy } };
}

/** The inputs a merged checkpoint's metadata lists (mergelab.inputs), or [] when it lists none. */
export function inputsOf(metadata: Record<string, string>): RunInput[] {
  const raw = metadata['mergelab.inputs'];
  if (!raw) return [];
  const list = JSON.parse(raw) as { role: RunInput['role']; name: string; bytes: number; fingerprint: string }[];
  return list.map((x) => ({ role: x.role, name: x.name, bytes: x.bytes, fingerprint: x.fingerprint }));
}

const seedOf = (params: Record<string, ParamValue>): number | null => (typeof params.seed === 'number' ? params.seed : null);

/** The record of a finished merge run (its evaluation, when there is one, supplies the scores). */
export function mergeRecord(
  run: { label: string; limit: number | null; merged: MergedModel },
  report: (EvalReport & Partial<JobMemory>) | null,
  suite: string | null,
  ctx: RecordContext,
): RunRecord {
  const m = run.merged;
  return {
    version: RUN_RECORD_VERSION, id: ctx.id, kind: 'merge', label: run.label,
    stages: [{ stage: 'merge', method: m.method, params: { ...m.params }, steps: 0 }],
    seed: seedOf(m.params), preset: null, imageLimit: run.limit,
    inputs: inputsOf(m.metadata), fingerprintKind: m.metadata['mergelab.fingerprint'] ?? null,
    suite, backend: ctx.backend, wallSeconds: m.ms / 1000,
    peakBytes: Math.max(m.peakBytes, report?.peakBytes ?? 0),
    ...scores(report), extraParams: 0, notes: [...m.notes], createdAt: ctx.createdAt.toISOString(),
  };
}

/**
 * The record of a finished training run. Training merges the suite's own models, so `inputs` are
 * those of a merge record on the same suite when there is one (names, sizes, fingerprints), else
 * the suite's model names without sizes or fingerprints.
 */
export function trainRecord(
  run: { label: string; limit: number | null; result: TrainResult },
  spec: { seed: number; preset: 'paper' | 'quick' },
  inputs: { list: RunInput[]; fingerprintKind: string | null },
  ctx: RecordContext,
): RunRecord {
  const r = run.result;
  const stages: RunStage[] = [{ stage: 'merge', method: r.merge.method, params: { ...r.merge.params }, steps: r.merge.steps }];
  if (r.correction) stages.push({ stage: 'correction', method: r.correction.method, params: { ...r.correction.params }, steps: r.correction.steps });
  return {
    version: RUN_RECORD_VERSION, id: ctx.id, kind: 'train', label: run.label, stages,
    seed: spec.seed, preset: spec.preset, imageLimit: run.limit,
    inputs: inputs.list, fingerprintKind: inputs.fingerprintKind,
    suite: r.report.suite, backend: ctx.backend, wallSeconds: r.seconds, peakBytes: r.peakBytes,
    ...scores(r.report), extraParams: r.extraParams, notes: r.stoppedEarly ? ['stopped early'] : [], createdAt: ctx.createdAt.toISOString(),
  };
}

/** Why a stored value is not a record this version can read. */
class RunRecordError extends MergelabError {
  constructor(problem: string, hint = 'Delete it (or clear the runs) and run it again; other runs are unaffected.') {
    super('run-record', problem, hint);
    this.name = 'RunRecordError';
  }
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isNumOrNull = (x: unknown) => x === null || isNum(x);
const isStr = (x: unknown): x is string => typeof x === 'string';

/** Checks a stored value field by field; throws a RunRecordError naming every problem. */
export function parseRecord(x: unknown): RunRecord {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new RunRecordError('A stored run is not an object.');
  const r = x as Record<string, unknown>;
  const id = isStr(r.id) ? quote(r.id) : '(no id)';
  if (r.version !== RUN_RECORD_VERSION) {
    throw new RunRecordError(`Run ${id} has record version ${quote(r.version)}; this page reads version ${RUN_RECORD_VERSION}.`,
      isNum(r.version) && r.version > RUN_RECORD_VERSION ? 'It was written by a newer mergelab: open it there, or delete it here.' : 'Delete it and run it again.');
  }
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => { if (!ok) problems.push(what); };
  need(isStr(r.id), 'id is not a string');
  need(r.kind === 'merge' || r.kind === 'train', 'kind is not "merge" or "train"');
  need(isStr(r.label), 'label is not a string');
  need(Array.isArray(r.stages) && r.stages.length > 0 && r.stages.every((s) => isStr(s?.method) && typeof s?.params === 'object'), 'stages are missing or malformed');
  need(Array.isArray(r.inputs) && r.inputs.every((i) => isStr(i?.name) && (i.role === 'pretrained' || i.role === 'expert')), 'inputs are malformed');
  need(Array.isArray(r.tasks) && r.tasks.every((t) => isStr(t?.task) && isNum(t.accuracy) && isNum(t.individual) && isNum(t.pretrained) && isNumOrNull(t.normalized)), 'task scores are malformed');
  need(r.average === null || (typeof r.average === 'object' && isNum((r.average as { accuracy?: unknown }).accuracy)), 'average is malformed');
  for (const k of ['wallSeconds', 'peakBytes', 'extraParams'] as const) need(isNum(r[k]), `${k} is not a number`);
  need(isNumOrNull(r.seed) && isNumOrNull(r.imageLimit), 'seed or imageLimit is not a number or null');
  need(isStr(r.backend) && isStr(r.createdAt) && !Number.isNaN(Date.parse(r.createdAt as string)), 'backend or createdAt is malformed');
  need(Array.isArray(r.notes), 'notes are not a list');
  if (problems.length) throw new RunRecordError(`Run ${id} cannot be read: ${problems.join('; ')}.`);
  return r as unknown as RunRecord;
}
