/**
 * The experiment configuration as a versioned, readable URL hash: never weights
 * or data, only what the controls hold. Pure functions: `encodeUrlState(state)` writes only what
 * differs from the defaults, `decodeUrlState(hash)` reads it back field by field; a bad value
 * gives a notice naming the field and that field keeps its default (the rest still applies).
 *
 *   #v=1&suite=demo&m=ties&p.k=20&p.aggregate=mean&eval=100&t=digits&t=signs&lam=0.5
 *      &tb=task_arithmetic&tc=surgery&cp.rank=8&preset=quick&tlimit=100&tevery=100
 *      &open=lessons&lesson=tv-lambda&step=2&hide=models,train
 *
 * Keys: v version · suite demo|files:<name> · m merge method · p.<name> its parameters · eval
 * images per task (all|N) · t a task of the subset (repeated) · lam the sweep's λ · tb / bp.<name>
 * training base and parameters · tc / cp.<name> correction (none) and parameters · preset
 * quick|paper · tlimit / tevery training image cap and evaluation interval · xl / xb the bias
 * explorer's images per task and UMAP point budget (N|all) · xm / xt / xc / xp its bias metric
 * (l1|cosine), line-chart task (all|name), UMAP colouring (task|class|correct), side by side (1)
 * · open views shown ·
 * lesson / step (1-based) · hide control ids hidden for a lesson.
 *
 * Versions: v=1 is the first. A later version that renames or re-types a key adds an upgrade
 * function from the previous version's key/value pairs (v1 → v2 …) applied before reading, so old
 * links keep working; a link from a newer version than this build knows is refused as a whole
 * with a notice (its keys may mean something else), and the defaults stay.
 */
import { listed, quote } from '../../engine/io/bounded';
import { parseParamArgs, type ParamSchema } from '../../engine/merge/params';
import { CORRECTIONS as CORRECTION_METHODS, MERGE_METHODS as METHODS, type Preset, TRAINED_BASES, baseSchema as trainBaseSchema, getMergeMethod as getMethod, getTrainedMethod } from '../../engine/catalogue';
import type { MethodId, ParamValue } from '../../engine/merge/types';
import { DEFAULT_BUDGET } from '../../engine/embed/constants';
import { EXPLORER_IMAGES } from '../../worker/api';
import { DEFAULT_EXPLORER_VIEW, type ExplorerViewSlice } from '../slices/explorer-view';

export const URL_VERSION = 1;

/** Controls a lesson link may hide: the Models panels, the merge method picker, the task subset, and the train, results, runs, explorer, λ and analytics panels. */
export const HIDEABLE = ['models', 'method', 'tasks', 'train', 'results', 'runs', 'explorer', 'sweep', 'analytics'] as const;
export type HideableId = (typeof HIDEABLE)[number];
/** Views that can be opened (the lesson sidebar). */
export const VIEWS = ['lessons'] as const;
export type ViewId = (typeof VIEWS)[number];

export type UrlSuite = { kind: 'demo' } | { kind: 'files'; name: string } | null;

export interface UrlState {
  suite: UrlSuite;
  merge: { method: MethodId; given: Record<string, ParamValue>; evalLimit: number | null };
  /** The task subset to merge and evaluate (null: all tasks). */
  tasks: string[] | null;
  lambda: number;
  train: {
    base: string; baseGiven: Record<string, ParamValue>; correction: string | null; given: Record<string, ParamValue>;
    preset: Preset; limit: number | null; evalEvery: number;
  };
  /** The bias explorer's images per task and UMAP point budget, and how it shows them. */
  explorer: { limit: number; budget: number | 'all' } & ExplorerViewSlice['explorerView'];
  open: ViewId[];
  lesson: { id: string; step: number } | null;
  hidden: HideableId[];
}

/** The store's initial values (a test checks they match a fresh store). */
export const DEFAULT_URL_STATE: UrlState = {
  suite: null,
  merge: { method: 'task_arithmetic', given: {}, evalLimit: null },
  tasks: null,
  lambda: 0.3,
  train: { base: 'task_arithmetic', baseGiven: {}, correction: 'surgery', given: {}, preset: 'quick', limit: 100, evalEvery: 100 },
  explorer: { limit: EXPLORER_IMAGES, budget: DEFAULT_BUDGET, ...DEFAULT_EXPLORER_VIEW },
  open: [],
  lesson: null,
  hidden: [],
};

export interface DecodeOptions {
  /** Lesson ids that exist (a lesson not listed gives a notice). */
  lessonIds?: readonly string[];
}

/** Groups of fields a link can set; a lesson step applies only the groups its setup names. */
export type UrlGroup = 'suite' | 'merge' | 'evalLimit' | 'tasks' | 'lambda' | 'train' | 'explorer' | 'open' | 'lesson' | 'hidden';
const GROUP_KEYS: Record<UrlGroup, RegExp> = {
  suite: /^suite$/, merge: /^(m|p\..+)$/, evalLimit: /^eval$/, tasks: /^t$/, lambda: /^lam$/,
  train: /^(tb|tc|preset|tlimit|tevery|bp\..+|cp\..+)$/, explorer: /^(xl|xb|xm|xt|xc|xp)$/, open: /^open$/, lesson: /^(lesson|step)$/, hidden: /^hide$/,
};

export interface Decoded {
  state: UrlState;
  /** One line per field that could not be used, naming it. */
  notices: string[];
  /** The groups the link names (the others are at their defaults). */
  present: UrlGroup[];
}

const TRAIN_BASES = [...TRAINED_BASES.map((m) => m.id), ...METHODS.map((m) => m.id)];
const CORRECTIONS = CORRECTION_METHODS.map((m) => m.id);

/** Like encodeURIComponent but keeps `,` and `:` readable (they are safe in a fragment). */
const enc = (s: string) => encodeURIComponent(s).replace(/%2C/g, ',').replace(/%3A/g, ':');
const limitText = (n: number | null) => (n === null ? 'all' : String(n));

/** The hash (without '#') for a state; fields at their defaults are left out. */
export function encodeUrlState(s: UrlState): string {
  const d = DEFAULT_URL_STATE;
  const out: [string, string][] = [['v', String(URL_VERSION)]];
  const add = (k: string, v: string) => out.push([k, v]);
  if (s.suite) add('suite', s.suite.kind === 'demo' ? 'demo' : `files:${s.suite.name}`);
  if (s.merge.method !== d.merge.method) add('m', s.merge.method);
  for (const [k, v] of Object.entries(s.merge.given)) add(`p.${k}`, String(v));
  if (s.merge.evalLimit !== d.merge.evalLimit) add('eval', limitText(s.merge.evalLimit));
  for (const t of s.tasks ?? []) add('t', t);
  if (s.lambda !== d.lambda) add('lam', String(s.lambda));
  const t = s.train;
  if (t.base !== d.train.base) add('tb', t.base);
  for (const [k, v] of Object.entries(t.baseGiven)) add(`bp.${k}`, String(v));
  if (t.correction !== d.train.correction) add('tc', t.correction ?? 'none');
  for (const [k, v] of Object.entries(t.given)) add(`cp.${k}`, String(v));
  if (t.preset !== d.train.preset) add('preset', t.preset);
  if (t.limit !== d.train.limit) add('tlimit', limitText(t.limit));
  if (t.evalEvery !== d.train.evalEvery) add('tevery', String(t.evalEvery));
  if (s.explorer.limit !== d.explorer.limit) add('xl', String(s.explorer.limit));
  if (s.explorer.budget !== d.explorer.budget) add('xb', String(s.explorer.budget));
  if (s.explorer.metric !== d.explorer.metric) add('xm', s.explorer.metric);
  if (s.explorer.task !== d.explorer.task) add('xt', s.explorer.task);
  if (s.explorer.colorBy !== d.explorer.colorBy) add('xc', s.explorer.colorBy);
  if (s.explorer.pair) add('xp', '1');
  if (s.open.length) add('open', s.open.join(','));
  if (s.lesson) { add('lesson', s.lesson.id); add('step', String(s.lesson.step + 1)); }
  if (s.hidden.length) add('hide', s.hidden.join(','));
  return out.map(([k, v]) => `${k}=${enc(v)}`).join('&');
}

/** Reads a hash ('#…' or without '#'); never throws. */
export function decodeUrlState(hash: string, opts: DecodeOptions = {}): Decoded {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const notices: string[] = [];
  const d = DEFAULT_URL_STATE;
  const state: UrlState = structuredClone(d);
  const keys = [...new Set(q.keys())];
  const present = (Object.keys(GROUP_KEYS) as UrlGroup[]).filter((g) => keys.some((k) => GROUP_KEYS[g].test(k)));
  if (keys.length === 0) return { state, notices, present };
  const v = q.get('v');
  if (v === null || !/^\d+$/.test(v)) {
    notices.push(`Link field "v" (version) is ${v === null ? 'missing' : quote(v)}: this is not a mergelab experiment link, so the lab keeps its defaults.`);
    return { state, notices, present: [] };
  }
  if (Number(v) > URL_VERSION) {
    notices.push(`Link field "v" is ${v}: the link was made by a newer mergelab (this one reads v=${URL_VERSION}). The lab keeps its defaults; open the link in the newer version.`);
    return { state, notices, present: [] };
  }
  const bad = (key: string, what: string, raw: string, kept: string) => notices.push(`Link field ${quote(key)} = ${quote(raw)} is not ${what}; kept ${kept}.`);
  const seen = new Set<string>();
  const one = (key: string, read: (raw: string) => boolean, what: string, kept: string) => {
    seen.add(key);
    const raw = q.get(key);
    if (raw !== null && !read(raw)) bad(key, what, raw, kept);
  };
  const limit = (raw: string): number | null | undefined => (raw === 'all' ? null : /^[1-9]\d*$/.test(raw) ? Number(raw) : undefined);

  one('suite', (raw) => {
    if (raw === 'demo') return !!(state.suite = { kind: 'demo' });
    if (!raw.startsWith('files:')) return false;
    state.suite = { kind: 'files', name: raw.slice(6) };
    notices.push(`This link was made on the suite ${quote(raw.slice(6))} loaded from files, which a link cannot carry: load that suite folder again (the rest of the link is applied).`);
    return true;
  }, '"demo" or "files:<name>"', 'no suite');
  one('m', (raw) => METHODS.some((m) => m.id === raw) && !!(state.merge.method = raw as MethodId), `a merge method (${METHODS.map((m) => m.id).join(', ')})`, getMethod(d.merge.method).label);
  state.merge.given = readParams(q, 'p.', getMethod(state.merge.method), notices, seen);
  one('eval', (raw) => { const n = limit(raw); if (n === undefined) return false; state.merge.evalLimit = n; return true; }, '"all" or a positive whole number', 'all test images');
  seen.add('t');
  const tasks = q.getAll('t').filter((t) => t !== '');
  if (tasks.length === 1) notices.push(`Link field "t" names one task (${quote(tasks[0])}): a merge needs at least 2; kept all tasks.`);
  else if (tasks.length > 1) state.tasks = [...new Set(tasks)];
  one('lam', (raw) => { const x = Number(raw); if (raw.trim() === '' || !(x >= 0 && x <= 1.5)) return false; state.lambda = x; return true; }, 'a number from 0 to 1.5', `λ ${d.lambda}`);
  one('tb', (raw) => TRAIN_BASES.includes(raw) && !!(state.train.base = raw), `a training base (${TRAIN_BASES.join(', ')})`, 'Task Arithmetic');
  const baseSchema: ParamSchema = trainBaseSchema(state.train.base);
  state.train.baseGiven = readParams(q, 'bp.', baseSchema, notices, seen);
  one('tc', (raw) => {
    if (raw === 'none') return (state.train.correction = null) === null;
    return CORRECTIONS.includes(raw) && !!(state.train.correction = raw);
  }, `a correction (${CORRECTIONS.join(', ')}, none)`, 'Surgery');
  state.train.given = state.train.correction ? readParams(q, 'cp.', getTrainedMethod(state.train.correction), notices, seen) : {};
  one('preset', (raw) => (raw === 'quick' || raw === 'paper') && !!(state.train.preset = raw), '"quick" or "paper"', 'quick');
  one('tlimit', (raw) => { const n = limit(raw); if (n === undefined) return false; state.train.limit = n; return true; }, '"all" or a positive whole number', `${d.train.limit} images`);
  one('tevery', (raw) => { if (!/^\d+$/.test(raw)) return false; state.train.evalEvery = Number(raw); return true; }, 'a whole number of steps (0: never)', `every ${d.train.evalEvery} steps`);
  one('xl', (raw) => { if (!/^[1-9]\d*$/.test(raw)) return false; state.explorer.limit = Number(raw); return true; }, 'a positive whole number of images per task', `${d.explorer.limit} images`);
  one('xb', (raw) => { const n = limit(raw); if (n === undefined) return false; state.explorer.budget = n ?? 'all'; return true; }, '"all" or a positive whole number of points', `${d.explorer.budget} points`);
  one('xm', (raw) => (raw === 'l1' || raw === 'cosine') && !!(state.explorer.metric = raw), '"l1" or "cosine"', 'L1');
  one('xt', (raw) => raw !== '' && !!(state.explorer.task = raw), 'a task name or "all"', 'all tasks');
  one('xc', (raw) => (raw === 'task' || raw === 'class' || raw === 'correct') && !!(state.explorer.colorBy = raw), '"task", "class" or "correct"', 'task');
  one('xp', (raw) => { if (raw !== '1' && raw !== '0') return false; state.explorer.pair = raw === '1'; return true; }, '1 or 0', 'one plot');
  state.open = readList(q, 'open', VIEWS, notices, seen);
  one('lesson', (raw) => {
    if (!/^[a-z0-9-]+$/.test(raw) || (opts.lessonIds && !opts.lessonIds.includes(raw))) return false;
    state.lesson = { id: raw, step: 0 };
    return true;
  }, `a lesson${opts.lessonIds ? ` (${opts.lessonIds.join(', ')})` : ''}`, 'no lesson');
  one('step', (raw) => { if (!/^[1-9]\d*$/.test(raw)) return false; if (state.lesson) state.lesson.step = Number(raw) - 1; return true; }, 'a step number from 1', 'step 1');
  state.hidden = readList(q, 'hide', HIDEABLE, notices, seen);
  seen.add('v');
  const unknown = keys.filter((k) => !seen.has(k) && !/^(p|bp|cp)\./.test(k));
  if (unknown.length) notices.push(`Link field${unknown.length > 1 ? 's' : ''} ${listed(unknown.map((k) => quote(k)))} ${unknown.length > 1 ? 'are' : 'is'} not known to this version and ${unknown.length > 1 ? 'were' : 'was'} ignored.`);
  return { state, notices, present };
}

/** `prefix.name=value` pairs validated against a schema, one by one (a bad one is dropped with a notice). */
function readParams(q: URLSearchParams, prefix: string, schema: ParamSchema, notices: string[], seen: Set<string>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [key, raw] of q) {
    if (!key.startsWith(prefix) || key.slice(prefix.length) in out) continue;
    seen.add(key);
    const name = key.slice(prefix.length);
    try {
      out[name] = parseParamArgs(schema, [`${name}=${raw}`])[name];
    } catch (e) {
      notices.push(`Link field ${quote(key)} = ${quote(raw)} was ignored: ${(e as Error).message}`);
    }
  }
  return out;
}

function readList<T extends string>(q: URLSearchParams, key: string, allowed: readonly T[], notices: string[], seen: Set<string>): T[] {
  seen.add(key);
  const items = (q.get(key) ?? '').split(',').filter((x) => x !== '');
  const wrong = items.filter((x) => !allowed.includes(x as T));
  if (wrong.length) notices.push(`Link field "${key}" lists unknown ${listed(wrong.map((x) => quote(x)))} (known: ${allowed.join(', ')}); ignored ${wrong.length > 1 ? 'them' : 'it'}.`);
  return [...new Set(items.filter((x): x is T => allowed.includes(x as T)))];
}
