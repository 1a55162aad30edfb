/**
 * A suite's manifest.json (shared with the zoo generator):
 * {"name", "image_size", "tasks": [{"name", "classes": [...], "templates": [...]}],
 *  "pretrained": "models/pretrained", "experts": {"<task>": "models/<task>"},
 *  "heads": "heads.safetensors", "logit_scale": 100}
 * Paths are relative to the suite folder. Optional: "heads" (then built from the pretrained
 * folder's text tower), a task's "classes" (then taken from its data or the task registry) and
 * "templates" (prompts for building heads, "{}" marking the class), "logit_scale", and "data"
 * ({"<task>": "<folder>"}: a task's data folder, default data/<task>). openSuite fills what was
 * left out. Every problem is reported at once.
 */
import { quote } from '../io/bounded';
import { SuiteError } from './errors';

/** Bounds on a manifest (far above real suites: 20 tasks, 1,000 classes) so a hostile one stays cheap. */
export const MANIFEST_LIMITS = { tasks: 1_000, classes: 100_000, nameLength: 200, problems: 30 } as const;

export interface SuiteTask {
  name: string;
  classes: string[];
  /** Prompt templates for zero-shot heads ("{}" marks the class); given, or filled in when heads were built. */
  templates?: string[];
}

/** A task as the manifest gives it: classes and templates may be left out. */
export interface ManifestTask {
  name: string;
  classes?: string[];
  templates?: string[];
}

/** manifest.json as written: what openSuite still has to fill in is left out. */
export interface ParsedManifest extends Omit<SuiteManifest, 'tasks' | 'heads'> {
  tasks: ManifestTask[];
  heads?: string;
}

export interface SuiteManifest {
  name: string;
  imageSize: number;
  tasks: SuiteTask[];
  /** Folder of the pretrained model, relative to the suite root. */
  pretrained: string;
  /** Task → expert folder, one per task. */
  experts: Record<string, string>;
  /** The heads file (or folder of head_<task>.pt), relative to the suite root; absent when the heads were built from the text tower. */
  heads?: string;
  /** Task → its data folder (data/<task> for a task not listed). */
  data: Record<string, string>;
  /**
   * s in logits = s · normalize(z) · Hᵀ: the manifest's; else, with heads built from the text tower,
   * the checkpoint's exp(logit_scale); else 100 (CLIP's).
   */
  logitScale: number;
}

const HINT = 'Fix manifest.json: see the suite layout in the README (name, image_size, tasks[{name, classes, templates}], pretrained, experts{task: folder}, heads, logit_scale, data{task: folder}).';

/** Most prompt templates a task may list (FusionBench's longest list has 80). */
const MAX_TEMPLATES = 1_000;

const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isName = (v: unknown): v is string => isStr(v) && v.length <= MANIFEST_LIMITS.nameLength;

/** Removes "./" and trailing "/" so manifest paths match file paths. */
export function cleanPath(p: string): string {
  return p.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

/** A task → folder map field ("experts", "data"): each key a task, each value a path; problems collected. */
function taskPaths(field: string, value: unknown, names: readonly string[], problems: string[], notAMap: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(notAMap);
    return out;
  }
  for (const [task, path] of Object.entries(value as Record<string, unknown>)) {
    if (!names.includes(task)) problems.push(`"${field}" has ${quote(task)}, which is not a task`);
    else if (!isStr(path)) problems.push(`"${field}".${quote(task)} must be a path (string)`);
    else out[task] = cleanPath(path);
  }
  return out;
}

/** The manifest with the fields left out left out, and whether it set logit_scale. */
export function parseManifest(text: string, file = 'manifest.json'): ParsedManifest {
  return readManifest(text, file).manifest;
}

export function readManifest(text: string, file = 'manifest.json'): { manifest: ParsedManifest; logitScaleGiven: boolean } {
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
  if (!isStr(m.pretrained)) problems.push('"pretrained" must be a path (string)');
  if (m.heads !== undefined && !isStr(m.heads)) problems.push('"heads" must be a path (string), or be left out to build the heads from the pretrained model\'s text tower');
  const tasks: ManifestTask[] = [];
  const names: string[] = []; // every task name given, valid or not (no cascading messages)
  if (!Array.isArray(m.tasks) || m.tasks.length === 0) problems.push('"tasks" must be a non-empty array');
  else if (m.tasks.length > MANIFEST_LIMITS.tasks) problems.push(`"tasks" lists ${m.tasks.length} tasks, more than the ${MANIFEST_LIMITS.tasks} accepted`);
  else {
    m.tasks.forEach((t, i) => {
      const name = (t as ManifestTask)?.name;
      const classes = (t as ManifestTask)?.classes;
      const templates = (t as ManifestTask)?.templates;
      if (!isName(name) || name.includes('/')) problems.push(`tasks[${i}].name must be a non-empty string of at most ${MANIFEST_LIMITS.nameLength} characters without "/"`);
      else if (names.includes(name)) problems.push(`task ${quote(name)} is listed twice`);
      else if (classes !== undefined && (!Array.isArray(classes) || classes.length === 0 || classes.length > MANIFEST_LIMITS.classes || !classes.every(isName))) {
        problems.push(`task ${quote(name)}: "classes" must be a non-empty array of at most ${MANIFEST_LIMITS.classes} strings of at most ${MANIFEST_LIMITS.nameLength} characters (or be left out to take the names from the data)`);
      } else if (classes !== undefined && new Set(classes).size !== classes.length) problems.push(`task ${quote(name)}: class names must be unique`);
      else if (templates !== undefined && (!Array.isArray(templates) || templates.length === 0 || templates.length > MAX_TEMPLATES
        || !templates.every((x) => isStr(x) && x.length <= 1_000 && x.includes('{}')))) {
        problems.push(`task ${quote(name)}: "templates" must be a non-empty array of at most ${MAX_TEMPLATES} prompts, each with "{}" where the class name goes (e.g. "a photo of a {}.")`);
      } else {
        tasks.push({ name, ...(classes ? { classes: [...classes] } : {}), ...(templates ? { templates: [...templates] } : {}) });
      }
      if (isStr(name)) names.push(name);
    });
  }
  const experts = taskPaths('experts', m.experts, names, problems, '"experts" must map each task to a model folder');
  if (m.experts !== null && typeof m.experts === 'object' && !Array.isArray(m.experts)) {
    for (const t of new Set(names)) if (!Object.hasOwn(m.experts, t)) problems.push(`task ${quote(t)} has no expert in "experts"`);
  }
  const data = m.data === undefined ? {} : taskPaths('data', m.data, names, problems, '"data" must map tasks to their data folders');
  if (problems.length) {
    const shown = problems.length > MANIFEST_LIMITS.problems ? [...problems.slice(0, MANIFEST_LIMITS.problems), `… and ${problems.length - MANIFEST_LIMITS.problems} more`] : problems;
    throw new SuiteError(file, `${problems.length} problem${problems.length > 1 ? 's' : ''}:\n- ${shown.join('\n- ')}`, HINT);
  }
  const manifest: ParsedManifest = {
    name: m.name as string,
    imageSize: m.image_size as number,
    tasks,
    pretrained: cleanPath(m.pretrained as string),
    experts,
    ...(m.heads !== undefined ? { heads: cleanPath(m.heads as string) } : {}),
    data,
    logitScale: (m.logit_scale as number | undefined) ?? 100,
  };
  return { manifest, logitScaleGiven: m.logit_scale !== undefined };
}
