/**
 * TrainRequest: the one shape of a training run, sent alike by the page (through the worker),
 * by `mergelab run` (the fields of its experiments JSON) and by the tests, and resolved and
 * validated once, by resolveTrainRequest at the engine boundary (runExperiment): a suite, a base
 * merge (a closed-form merge method or a trained base), an optional correction, a seed, an image
 * limit and the preset of the trained methods' defaults (DEFAULT_PRESET, the papers' schedules,
 * unless the caller asks for 'quick'). No tfjs: the page imports the shape.
 */
import { CORRECTIONS, DEFAULT_PRESET, MERGE_METHODS, PRESETS, type ParamValue, type Preset, TRAINED_BASES, type TrainedParams, resolveBaseParams, resolveTrainedParams } from '../catalogue';
import { MergelabError } from '../errors';

export interface MethodSpec {
  method: string;
  params?: Record<string, ParamValue>;
  /** A trained base that imports coefficients only (AdaMerging): coefficients to use as they are (exported by the lab, or published), instead of training. */
  coefficients?: unknown;
}

export interface TrainRequest {
  /** The suite: its folder (CLI, scripts) or its id in the worker (page). */
  suite: string;
  merge: MethodSpec;
  correction?: MethodSpec | null;
  seed?: number;
  /** Images per task (the first N of each test split), or null for all. */
  limit?: number | null;
  /** Defaults of the trained methods: the papers' schedules (the default), or the short teaching one. */
  preset?: Preset;
}

/** A method with every parameter resolved. */
export interface ResolvedSpec {
  method: string;
  params: TrainedParams;
  coefficients?: unknown;
}

export interface ResolvedTrainRequest {
  suite: string;
  merge: ResolvedSpec;
  correction: ResolvedSpec | null;
  seed: number;
  limit: number | null;
  preset: Preset;
}

const usage = (problem: string, hint: string) => new MergelabError('usage', `experiment: ${problem}`, hint);

/** Validates a request (parsed JSON, or the page's object) and resolves every parameter; throws a usage error naming the field. */
export function resolveTrainRequest(json: unknown): ResolvedTrainRequest {
  const e = json as Partial<TrainRequest>;
  if (!e || typeof e !== 'object' || Array.isArray(e)) throw usage('it is not a JSON object.', 'Write {"suite": "<dir>", "merge": {"method": "<id>", "params": {…}}, "correction": {…}, "seed": 0, "limit": null}.');
  if (typeof e.suite !== 'string' || !e.suite) throw usage('"suite" must be the path of a suite folder.', 'e.g. "suite": "public/zoo/mini8".');
  const importers = TRAINED_BASES.filter((m) => m.importsCoefficients).map((m) => m.id);
  const spec = (s: unknown, field: string, ids: string[]): MethodSpec => {
    const m = s as MethodSpec;
    if (!m || typeof m !== 'object' || typeof m.method !== 'string' || !ids.includes(m.method)) throw usage(`"${field}.method" must be one of ${ids.join(', ')}.`, `e.g. "${field}": {"method": "${ids[0]}", "params": {}}.`);
    if (m.params !== undefined && (typeof m.params !== 'object' || m.params === null || Array.isArray(m.params))) throw usage(`"${field}.params" must be an object of name: value.`, 'Leave it out for the defaults.');
    if (m.coefficients !== undefined && !importers.includes(m.method)) throw usage(`"${field}.coefficients" is only for ${importers.join(', ')}.`, `Remove it, or use "method": "${importers[0]}".`);
    return { method: m.method, params: { ...(m.params ?? {}) }, ...(m.coefficients !== undefined ? { coefficients: m.coefficients } : {}) };
  };
  const preset = e.preset ?? DEFAULT_PRESET;
  if (!PRESETS.includes(preset)) throw usage('"preset" must be "paper" or "quick".', 'paper: the papers\' schedules; quick: short ones for teaching.');
  const mergeSpec = spec(e.merge, 'merge', [...MERGE_METHODS.map((m) => m.id), ...TRAINED_BASES.map((m) => m.id)]);
  const correctionSpec = e.correction == null ? null : spec(e.correction, 'correction', CORRECTIONS.map((m) => m.id));
  const merge: ResolvedSpec = { ...mergeSpec, params: resolveBaseParams(mergeSpec.method, mergeSpec.params, preset) };
  const correction: ResolvedSpec | null = correctionSpec && { ...correctionSpec, params: resolveTrainedParams(correctionSpec.method, correctionSpec.params, preset) };
  const seed = e.seed ?? 0;
  if (!Number.isInteger(seed)) throw usage('"seed" must be an integer.', 'e.g. "seed": 0.');
  const limit = e.limit ?? null;
  if (limit !== null && !(Number.isInteger(limit) && limit >= 1)) throw usage('"limit" must be a positive integer or null.', 'null uses every test image of each task.');
  return { suite: e.suite, merge, correction, seed, limit, preset };
}

