/**
 * A suite's manifest.json (shared with the zoo generator):
 * {"name", "image_size", "tasks": [{"name", "classes": [...]}], "pretrained": "models/pretrained",
 *  "experts": {"<task>": "models/<task>"}, "heads": "heads.safetensors", "logit_scale": 100,
 *  "data": {"<task>": "<folder>"}}  ("data" optional: a task's data folder, default data/<task>)
 * Paths are relative to the suite folder. Every problem is reported at once.
 */
import { quote } from '../io/bounded';
import { SuiteError } from './errors';

/** Bounds on a manifest (far above real suites: 20 tasks, 1,000 classes) so a hostile one stays cheap. */
export const MANIFEST_LIMITS = { tasks: 1_000, classes: 100_000, nameLength: 200, problems: 30 } as const;

export interface SuiteTask {
  name: string;
  classes: string[];
}

export interface SuiteManifest {
  name: string;
  imageSize: number;
  tasks: SuiteTask[];
  /** Folder of the pretrained model, relative to the suite root. */
  pretrained: string;
  /** Task → expert folder, one per task. */
  experts: Record<string, string>;
  /** The heads file, relative to the suite root. */
  heads: string;
  /** Task → its data folder (data/<task> for a task not listed). */
  data: Record<string, string>;
  /** s in logits = s · normalize(z) · Hᵀ (100 for CLIP; 100 when the manifest omits it). */
  logitScale: number;
}

const HINT = 'Fix manifest.json: see the suite layout in the README (name, image_size, tasks[{name, classes}], pretrained, experts{task: folder}, heads, logit_scale).';

const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isName = (v: unknown): v is string => isStr(v) && v.length <= MANIFEST_LIMITS.nameLength;

/** Removes "./" and trailing "/" so manifest paths match file paths. */
export function cleanPath(p: string): string {
  return p.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

export function parseManifest(text: string, file = 'manifest.json'): SuiteManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SuiteError(file, `is not valid JSON (${quote((e as Error).message, 120)}).`, HINT);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new SuiteError(file, 'must be a JSON object.', HINT);
  const m = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (!isStr(m.name)) problems.push('"name" must be a non-empty string');
  if (!(Number.isInteger(m.image_size) && (m.image_size as number) > 0)) problems.push('"image_size" must be a positive integer');
  if (m.logit_scale !== undefined && !(typeof m.logit_scale === 'number' && m.logit_scale > 0)) problems.push('"logit_scale" must be a positive number');
  for (const k of ['pretrained', 'heads'] as const) if (!isStr(m[k])) problems.push(`"${k}" must be a path (string)`);
  const tasks: SuiteTask[] = [];
  const names: string[] = []; // every task name given, valid or not (no cascading messages)
  if (!Array.isArray(m.tasks) || m.tasks.length === 0) problems.push('"tasks" must be a non-empty array');
  else if (m.tasks.length > MANIFEST_LIMITS.tasks) problems.push(`"tasks" lists ${m.tasks.length} tasks, more than the ${MANIFEST_LIMITS.tasks} accepted`);
  else {
    m.tasks.forEach((t, i) => {
      const name = (t as SuiteTask)?.name;
      const classes = (t as SuiteTask)?.classes;
      if (!isName(name) || name.includes('/')) problems.push(`tasks[${i}].name must be a non-empty string of at most ${MANIFEST_LIMITS.nameLength} characters without "/"`);
      else if (names.includes(name)) problems.push(`task ${quote(name)} is listed twice`);
      else if (!Array.isArray(classes) || classes.length === 0 || classes.length > MANIFEST_LIMITS.classes || !classes.every(isName)) {
        problems.push(`task ${quote(name)}: "classes" must be a non-empty array of at most ${MANIFEST_LIMITS.classes} strings of at most ${MANIFEST_LIMITS.nameLength} characters`);
      } else if (new Set(classes).size !== classes.length) problems.push(`task ${quote(name)}: class names must be unique`);
      else tasks.push({ name, classes: [...classes] });
      if (isStr(name)) names.push(name);
    });
  }
  const experts: Record<string, string> = {};
  if (m.experts === null || typeof m.experts !== 'object' || Array.isArray(m.experts)) problems.push('"experts" must map each task to a model folder');
  else {
    for (const [task, path] of Object.entries(m.experts as Record<string, unknown>)) {
      if (!names.includes(task)) problems.push(`"experts" has ${quote(task)}, which is not a task`);
      else if (!isStr(path)) problems.push(`"experts".${quote(task)} must be a path (string)`);
      else experts[task] = cleanPath(path);
    }
    for (const t of new Set(names)) if (!Object.hasOwn(m.experts as object, t)) problems.push(`task ${quote(t)} has no expert in "experts"`);
  }
  const data: Record<string, string> = {};
  if (m.data !== undefined) {
    if (m.data === null || typeof m.data !== 'object' || Array.isArray(m.data)) problems.push('"data" must map tasks to their data folders');
    else {
      for (const [task, path] of Object.entries(m.data as Record<string, unknown>)) {
        if (!names.includes(task)) problems.push(`"data" has ${quote(task)}, which is not a task`);
        else if (!isStr(path)) problems.push(`"data".${quote(task)} must be a path (string)`);
        else data[task] = cleanPath(path);
      }
    }
  }
  if (problems.length) {
    const shown = problems.length > MANIFEST_LIMITS.problems ? [...problems.slice(0, MANIFEST_LIMITS.problems), `… and ${problems.length - MANIFEST_LIMITS.problems} more`] : problems;
    throw new SuiteError(file, `${problems.length} problem${problems.length > 1 ? 's' : ''}:\n- ${shown.join('\n- ')}`, HINT);
  }
  return {
    name: m.name as string,
    imageSize: m.image_size as number,
    tasks,
    pretrained: cleanPath(m.pretrained as string),
    experts,
    heads: cleanPath(m.heads as string),
    data,
    logitScale: (m.logit_scale as number | undefined) ?? 100,
  };
}
