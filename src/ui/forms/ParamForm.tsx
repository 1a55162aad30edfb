/**
 * A method's parameter form, generated from its schema (ParamField): number
 * and integer fields with their ranges and steps, booleans, enums; help text and dependent
 * defaults ("1 when aggregate = mean") under each field. Values shown are resolveParams of what
 * the user set, so a dependent default follows the field it depends on.
 */
import type { MergeParams, ParamField, ParamValue } from '../../worker/api';

function defaultText(f: ParamField): string {
  const rules = (f.defaultWhen ?? []).map((r) => `${String(r.value)} when ${Object.entries(r.if).map(([k, v]) => `${k} = ${String(v)}`).join(' and ')}`);
  return `default ${String(f.default)}${rules.length ? `; ${rules.join('; ')}` : ''}${f.type === 'number' || f.type === 'integer' ? ` · ${f.min} to ${f.max}` : ''}`;
}

function Input({ f, value, onChange, prefix }: { f: ParamField; value: ParamValue; onChange: (v: ParamValue) => void; prefix: string }) {
  const id = `${prefix}-${f.name}`;
  if (f.type === 'enum') {
    return (
      <select id={id} value={String(value)} onChange={(e) => onChange(e.currentTarget.value)}>
        {f.options!.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    );
  }
  if (f.type === 'boolean') return <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />;
  return (
    <input
      id={id}
      type="number"
      min={f.min}
      max={f.max}
      step={f.step ?? (f.type === 'integer' ? 1 : 'any')}
      value={Number.isFinite(value as number) ? String(value) : ''}
      onChange={(e) => onChange(e.currentTarget.value === '' ? Number.NaN : Number(e.currentTarget.value))}
    />
  );
}

/** `prefix` keeps the element ids and the test id apart when a page shows several forms (default "param"). */
export function ParamForm({ fields, values, onChange, prefix = 'param' }: { fields: readonly ParamField[]; values: MergeParams; onChange: (name: string, v: ParamValue) => void; prefix?: string }) {
  if (fields.length === 0) return <p className="muted">This method has no parameters.</p>;
  return (
    <div className="param-form" data-testid={`${prefix}-form`}>
      {fields.map((f) => (
        <div className="param" key={f.name} data-param={f.name}>
          <label htmlFor={`${prefix}-${f.name}`}>{f.label}</label>
          <Input f={f} value={values[f.name]} onChange={(v) => onChange(f.name, v)} prefix={prefix} />
          <small className="muted">{f.help} <em>({defaultText(f)})</em></small>
        </div>
      ))}
    </div>
  );
}
