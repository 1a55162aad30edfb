// The unpickler on plain data pickled by CPython at every protocol 0–5 (scripts/make-pickle-fixtures.py):
// the values written by hand below must come back, memo sharing included.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../testing/fixtures.node';
import { unpickle } from './unpickler';
import { PyDict, PyList, PyObject, PyTuple, type PyValue } from './values';

/** Plain JS for comparison: dicts → objects, lists/tuples/sets → arrays, bytes → number arrays. */
function js(v: PyValue): unknown {
  if (v instanceof PyDict) return Object.fromEntries([...v.map].map(([k, x]) => [String(k), js(x)]));
  if (v instanceof PyList || v instanceof PyTuple) return v.items.map(js);
  if (v instanceof Uint8Array) return Array.from(v);
  if (v instanceof PyObject) return `<${v.cls.full}>`;
  return v;
}

const EXPECTED = {
  int: 7, neg: -300, big: 2n ** 70n, float: 2.5, str: 'h\u00e9llo \u2603', bytes: [0, 255], none: null, t: true, f: false,
  tuple: [1, 2, 3], list: [1, [2, 3]], set: [4], frozenset: [5], od: { a: 1, b: 2 }, shared: [[9], [9]], long_str: 'x'.repeat(300),
};

describe.each([0, 1, 2, 3, 4, 5])('CPython pickle protocol %i', (proto) => {
  it('reads back every value, with shared objects shared', () => {
    const bytes = new Uint8Array(readFileSync(fixturePath('pickle', 'protocols', `p${proto}.pkl`)));
    const { value, end } = unpickle(bytes, { file: `p${proto}.pkl`, persistentLoad: () => { throw new Error('no persistent ids here'); } });
    expect(end).toBe(bytes.length);
    expect(js(value)).toEqual(EXPECTED);
    const shared = (value as PyDict).map.get('shared') as PyList;
    expect(shared.items[0]).toBe(shared.items[1]);
  });
});
