/**
 * A suite's manifest.json (shared with the zoo generator):
 * {"name", "image_size", "tasks": [{"name", "classes": [...]}], "pretrained": "models/pretrained",
 *  "experts": {"<task>": "models/<task>"}, "heads": "heads.safetensors", "logit_scale": 100}
 * Paths are relative to the suite folder. Every problem is reported at once.
 */
import { SuiteError } from './errors';

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
  /** s in logits = s · normalize(z) · Hᵀ (100 for CLIP; 100 when the manifest omits it). */
  logitScale: number;
}

const HINT = 'Fix manifest.json: see the suite layout in the README (name, image_size, tasks[{name, classes}], pretrained, experts{task: folder}, heads, logit_scale).';

const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Removes "./" and trailing "/" so manifest paths match file paths. */
export function cleanPath(p: string): string {
  return p.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

export function parseManifest(text: string, file = 'manifest.json'): SuiteManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SuiteError(file, `is not valid JSON (${(e as Error).message}).`, HINT);
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
  else {
    m.tasks.forEach((t, i) => {
      const name = (t as SuiteTask)?.name;
      const classes = (t as SuiteTask)?.classes;
      if (!isStr(name) || name.includes('/')) problems.push(`tasks[${i}].name must be a non-empty string without "/"`);
      else if (names.includes(name)) problems.push(`task "${name}" is listed twice`);
      else if (!Array.isArray(classes) || classes.length === 0 || !classes.every(isStr)) problems.push(`task "${name}": "classes" must be a non-empty array of strings`);
      else if (new Set(classes).size !== classes.length) problems.push(`task "${name}": class names must be unique`);
      else tasks.push({ name, classes: [...classes] });
      if (isStr(name)) names.push(name);
    });
  }
  const experts: Record<string, string> = {};
  if (m.experts === null || typeof m.experts !== 'object' || Array.isArray(m.experts)) problems.push('"experts" must map each task to a model folder');
  else {
    for (const [task, path] of Object.entries(m.experts as Record<string, unknown>)) {
      if (!names.includes(task)) problems.push(`"experts" has "${task}", which is not a task`);
      else if (!isStr(path)) problems.push(`"experts"."${task}" must be a path (string)`);
      else experts[task] = cleanPath(path);
    }
    for (const t of new Set(names)) if (!(t in (m.experts as object))) problems.push(`task "${t}" has no expert in "experts"`);
  }
  if (problems.length) throw new SuiteError(file, `${problems.length} problem${problems.length > 1 ? 's' : ''}:\n- ${problems.join('\n- ')}`, HINT);
  return {
    name: m.name as string,
    imageSize: m.image_size as number,
    tasks,
    pretrained: cleanPath(m.pretrained as string),
    experts,
    heads: cleanPath(m.heads as string),
    logitScale: (m.logit_scale as number | undefined) ?? 100,
  };
}
