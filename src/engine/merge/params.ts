/**
 * Method parameters: defaults (including defaults that depend on other parameters), validation
 * against the schema, and parsing of CLI/URL strings (`name=value`). Errors are MergelabError with
 * code 'usage', naming the method, the parameter and the allowed values.
 */
import { MergelabError } from '../errors';
import { quote } from '../io/bounded';
import { getMethod } from './registry';
import type { MergeMethod, MergeParams, ParamField, ParamValue } from './types';

/** What parsing needs of a method: its id and schema (merge methods and trained methods alike). */
export type ParamSchema = Pick<MergeMethod, 'params'> & { id: string };

const bad = (m: ParamSchema, problem: string, f?: ParamField) =>
  new MergelabError('usage', `${m.id}: ${problem}`, f ? `${f.name}: ${describe(f)}. ${f.help}` : `Parameters of ${m.id}: ${m.params.map((p) => p.name).join(', ') || 'none'}.`);

function describe(f: ParamField): string {
  if (f.type === 'enum') return `one of ${f.options!.join(', ')}`;
  if (f.type === 'boolean') return 'true or false';
  return `${f.type === 'integer' ? 'an integer' : 'a number'} from ${f.min} to ${f.max}`;
}

function check(m: ParamSchema, f: ParamField, v: ParamValue): ParamValue {
  const wrong = () => bad(m, `${f.name} = ${quote(v)} is not valid.`, f);
  switch (f.type) {
    case 'enum':
      if (typeof v !== 'string' || !f.options!.includes(v)) throw wrong();
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw wrong();
      return v;
    case 'number':
    case 'integer':
      if (typeof v !== 'number' || !Number.isFinite(v) || (f.type === 'integer' && !Number.isInteger(v))) throw wrong();
      if ((f.min !== undefined && v < f.min) || (f.max !== undefined && v > f.max)) throw wrong();
      return v;
  }
}

/** Full, validated parameters: the given ones plus defaults for the rest. Unknown names are errors. */
export function resolveParams(method: ParamSchema | string, given: Readonly<Record<string, ParamValue>> = {}): MergeParams {
  const m = typeof method === 'string' ? getMethod(method) : method;
  for (const name of Object.keys(given)) {
    if (!m.params.some((f) => f.name === name)) throw bad(m, `unknown parameter ${quote(name)}.`);
  }
  const out: MergeParams = {};
  for (const f of m.params) if (f.name in given) out[f.name] = check(m, f, given[f.name]);
  // Plain defaults first, then dependent ones (they look at the values resolved so far).
  const plain = (f: ParamField) => (f.name in out ? out[f.name] : f.default);
  for (const f of m.params) {
    if (f.name in out) continue;
    const rule = f.defaultWhen?.find((r) => Object.entries(r.if).every(([k, v]) => plain(m.params.find((x) => x.name === k)!) === v));
    out[f.name] = rule ? rule.value : f.default;
  }
  return out;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses one string value for a field ("0.3", "true", "ties"). */
function parseValue(m: ParamSchema, f: ParamField, raw: string): ParamValue {
  if (f.type === 'enum') return raw;
  if (f.type === 'boolean') {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw bad(m, `${f.name} = ${quote(raw)} is not true or false.`, f);
  }
  // Plain decimal notation only: Number() would also take "0x1", "0b1", " 1 " and "Infinity".
  if (!DECIMAL.test(raw)) throw bad(m, `${f.name} = ${quote(raw)} is not a number (write it in plain decimals, e.g. 0.3).`, f);
  const n = Number(raw);
  return n;
}

/** `["lambda=0.3", "k=20"]` → resolved parameters of the method. Repeated names are errors. */
export function parseParamArgs(method: ParamSchema | string, args: readonly string[]): MergeParams {
  const m = typeof method === 'string' ? getMethod(method) : method;
  return resolveParams(m, parseGivenArgs(m, args));
}

/** `["lambda=0.3", "k=20"]` → the parameters as given (typed, names checked), before defaults and ranges. */
export function parseGivenArgs(method: ParamSchema | string, args: readonly string[]): Record<string, ParamValue> {
  const m = typeof method === 'string' ? getMethod(method) : method;
  const given: Record<string, ParamValue> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw bad(m, `parameter ${quote(a)} is not of the form name=value.`);
    const name = a.slice(0, eq);
    const f = m.params.find((x) => x.name === name);
    if (!f) throw bad(m, `unknown parameter ${quote(name)}.`);
    if (name in given) throw bad(m, `parameter "${name}" is given twice.`, f);
    given[name] = parseValue(m, f, a.slice(eq + 1));
  }
  return given;
}
