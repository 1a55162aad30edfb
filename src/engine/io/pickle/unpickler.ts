/**
 * A restricted unpickler: runs the pickle stack machine (protocols 0–5) over plain data and never
 * imports, looks up or calls anything. GLOBAL only names a module-level object; calling it (REDUCE,
 * INST, OBJ) is allowed for the globals in allow-list.ts, which are interpreted as data; any other
 * call is refused with UnsafePickleError. Instantiation without a call (NEWOBJ, how torch.save writes
 * nn.Module trees) yields an inert PyObject of its class name and state. Format: CPython
 * Lib/pickle.py and PEP 3154 (protocol 4), PEP 574 (protocol 5).
 */
import { BadArgs, INTERPRETED, Refused, isDenied, normaliseModule } from './allow-list';
import { PickleError, UnsafePickleError } from './errors';
import { HIGHEST_PROTOCOL, OP } from './opcodes';
import { PyDict, PyGlobal, PyList, PyObject, PyTensor, PyTuple, type PyValue, describe } from './values';

export interface UnpickleOptions {
  /** File name for messages. */
  file: string;
  /** Resolves a persistent id (torch storages); throws a MergelabError for a bad one. */
  persistentLoad(pid: PyValue): PyValue;
}

export interface Unpickled {
  value: PyValue;
  /** Classes kept as inert records, "module.name" → count. */
  records: Map<string, number>;
  /** Byte after STOP (several pickles follow each other in the legacy format). */
  end: number;
}

/** Nested MARKs allowed (a real state dict needs a handful). */
export const MAX_MARKS = 10_000;
const MAX_INTERPRET_DEPTH = 8;
/** Longest integer read (bytes of LONG4, digits of INT/LONG): bigger ones only make parsing slow. */
const MAX_INT_BYTES = 1024;

export function unpickle(bytes: Uint8Array, opts: UnpickleOptions, start = 0): Unpickled {
  const { file } = opts;
  const fail = (problem: string) => new PickleError(file, problem);
  const records = new Map<string, number>();
  let pos = start;
  const stack: PyValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  const need = (n: number) => {
    if (!Number.isSafeInteger(n) || n < 0 || pos + n > bytes.length) {
      throw fail(`the pickle asks for ${n} bytes at byte ${pos} but only ${bytes.length - pos} remain: it is truncated or corrupt.`);
    }
  };
  const take = (n: number) => { need(n); const out = bytes.subarray(pos, pos + n); pos += n; return out; };
  const u8 = () => { need(1); return bytes[pos++]; };
  const u16 = () => { need(2); const v = view.getUint16(pos, true); pos += 2; return v; };
  const u32 = () => { need(4); const v = view.getUint32(pos, true); pos += 4; return v; };
  const i32 = () => { need(4); const v = view.getInt32(pos, true); pos += 4; return v; };
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw fail(`a length of ${v} bytes at byte ${pos - 8} is beyond any file.`);
    return Number(v);
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw fail(`a text opcode at byte ${pos} has no end of line: the pickle is truncated.`);
    const s = new TextDecoder('latin1').decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const text = (b: Uint8Array) => {
    try { return utf8.decode(b); } catch { throw fail(`a string at byte ${pos - b.length} is not valid UTF-8.`); }
  };
  const pop = (): PyValue => {
    if (stack.length === 0 || (marks.length && stack.length <= marks[marks.length - 1])) throw fail(`opcode at byte ${pos - 1} pops from an empty stack.`);
    return stack.pop()!;
  };
  const top = (): PyValue => {
    if (stack.length === 0) throw fail(`opcode at byte ${pos - 1} needs a value on the stack.`);
    return stack[stack.length - 1];
  };
  const popMark = (): PyValue[] => {
    const m = marks.pop();
    if (m === undefined) throw fail(`opcode at byte ${pos - 1} needs a MARK that was never pushed.`);
    return stack.splice(m);
  };
  const memoGet = (i: number) => {
    if (!memo.has(i)) throw fail(`memo entry ${i} is read (GET at byte ${pos}) but was never stored.`);
    return memo.get(i)!;
  };
  const toNumber = (v: bigint): number | bigint => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
  const long = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return toNumber(v);
  };
  const str = (v: PyValue, what: string): string => {
    if (typeof v !== 'string') throw fail(`${what} must be a string, got ${describe(v)}.`);
    return v;
  };
  const global = (module: string, name: string) => new PyGlobal(normaliseModule(module), name);

  const interpret = (fn: PyValue, args: PyValue[], how: string, depth = 0): PyValue => {
    if (!(fn instanceof PyGlobal)) throw fail(`the pickle ${how} a ${describe(fn)}; only allow-listed functions are read.`);
    const interp = INTERPRETED.get(fn.full);
    if (!interp) throw new UnsafePickleError(file, fn.full, how);
    if (depth > MAX_INTERPRET_DEPTH) throw fail(`${fn.full} is nested more than ${MAX_INTERPRET_DEPTH} deep.`);
    try {
      const out = interp(args, (f, a) => interpret(f, a, how, depth + 1));
      if (out instanceof PyObject) records.set(out.cls.full, (records.get(out.cls.full) ?? 0) + 1);
      return out;
    } catch (e) {
      if (e instanceof BadArgs) throw fail(`${fn.full}: ${e.message}.`);
      if (e instanceof Refused) throw new UnsafePickleError(file, fn.full, how);
      throw e;
    }
  };
  const instantiate = (cls: PyValue, args: PyValue[], how: string): PyObject => {
    if (!(cls instanceof PyGlobal)) throw fail(`the pickle ${how} a ${describe(cls)}, which is not a class.`);
    if (isDenied(cls)) throw new UnsafePickleError(file, cls.full, how);
    records.set(cls.full, (records.get(cls.full) ?? 0) + 1);
    return new PyObject(cls, args);
  };
  const tupleArgs = (v: PyValue, what: string): PyValue[] => {
    if (!(v instanceof PyTuple)) throw fail(`${what} needs an argument tuple, got ${describe(v)}.`);
    return v.items;
  };
  const setItems = (target: PyValue, kv: PyValue[]) => {
    const d = target instanceof PyDict ? target : target instanceof PyObject ? target.items : null;
    if (!d) throw fail(`SETITEM(S) on a ${describe(target)}, which is not a dict.`);
    if (kv.length % 2) throw fail('SETITEMS has an odd number of keys and values.');
    for (let i = 0; i < kv.length; i += 2) d.map.set(kv[i], kv[i + 1]);
  };
  const appendItems = (target: PyValue, vs: PyValue[]) => {
    const l = target instanceof PyList ? target.items : target instanceof PyObject ? target.list : null;
    if (!l) throw fail(`APPEND(S)/ADDITEMS on a ${describe(target)}, which is not a list or set.`);
    for (const v of vs) l.push(v);
  };

  for (;;) {
    if (pos >= bytes.length) throw fail('the pickle ends without its STOP opcode: the file is truncated.');
    const at = pos;
    const op = bytes[pos++];
    switch (op) {
      case OP.PROTO: { const p = u8(); if (p > HIGHEST_PROTOCOL) throw fail(`pickle protocol ${p} is newer than the highest known (${HIGHEST_PROTOCOL}).`); break; }
      case OP.FRAME: u64(); break;
      case OP.STOP: {
        const value = pop();
        return { value, records, end: pos };
      }
      case OP.MARK:
        if (marks.length >= MAX_MARKS) throw fail(`more than ${MAX_MARKS} nested MARKs: the pickle is hostile or corrupt.`);
        marks.push(stack.length);
        break;
      case OP.POP: pop(); break;
      case OP.POP_MARK: popMark(); break;
      case OP.DUP: stack.push(top()); break;
      case OP.NONE: stack.push(null); break;
      case OP.NEWTRUE: stack.push(true); break;
      case OP.NEWFALSE: stack.push(false); break;
      case OP.INT: {
        const s = line().trim();
        if (s.length > MAX_INT_BYTES) throw fail(`INT at byte ${at} has ${s.length} digits.`);
        if (s === '01' || s === '00') { stack.push(s === '01'); break; }
        if (!/^[-+]?\d+$/.test(s)) throw fail(`INT at byte ${at} is not an integer: ${JSON.stringify(s.slice(0, 40))}.`);
        stack.push(toNumber(BigInt(s)));
        break;
      }
      case OP.LONG: {
        const s = line().trim().replace(/L$/, '');
        if (s.length > MAX_INT_BYTES) throw fail(`LONG at byte ${at} has ${s.length} digits.`);
        if (!/^[-+]?\d+$/.test(s)) throw fail(`LONG at byte ${at} is not an integer.`);
        stack.push(toNumber(BigInt(s)));
        break;
      }
      case OP.BININT: stack.push(i32()); break;
      case OP.BININT1: stack.push(u8()); break;
      case OP.BININT2: stack.push(u16()); break;
      case OP.LONG1: stack.push(long(take(u8()))); break;
      case OP.LONG4: {
        const n = i32();
        if (n < 0 || n > MAX_INT_BYTES) throw fail(`LONG4 at byte ${at} has a length of ${n} bytes; a checkpoint's integers fit in ${MAX_INT_BYTES}.`);
        stack.push(long(take(n)));
        break;
      }
      case OP.FLOAT: {
        const s = line().trim();
        const v = Number(s);
        if (s === '' || (Number.isNaN(v) && !/^[-+]?nan$/i.test(s))) throw fail(`FLOAT at byte ${at} is not a number.`);
        stack.push(v);
        break;
      }
      case OP.BINFLOAT: need(8); stack.push(view.getFloat64(pos, false)); pos += 8; break;
      case OP.STRING: {
        const s = line().trim();
        const q = s[0];
        if (s.length < 2 || (q !== '"' && q !== "'") || s[s.length - 1] !== q) throw fail(`STRING at byte ${at} is not quoted.`);
        stack.push(s.slice(1, -1).replace(/\\x([0-9a-fA-F]{2})|\\(.)/g, (_, h: string, c: string) => (h ? String.fromCharCode(parseInt(h, 16)) : ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[c] ?? c)));
        break;
      }
      case OP.BINSTRING: { const n = i32(); if (n < 0) throw fail(`BINSTRING at byte ${at} has a negative length.`); stack.push(new TextDecoder('latin1').decode(take(n))); break; }
      case OP.SHORT_BINSTRING: stack.push(new TextDecoder('latin1').decode(take(u8()))); break;
      case OP.UNICODE: stack.push(line().replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, a: string, b: string) => String.fromCodePoint(parseInt(a ?? b, 16) % 0x110000))); break;
      case OP.BINUNICODE: stack.push(text(take(u32()))); break;
      case OP.SHORT_BINUNICODE: stack.push(text(take(u8()))); break;
      case OP.BINUNICODE8: stack.push(text(take(u64()))); break;
      case OP.BINBYTES: stack.push(take(u32()).slice()); break;
      case OP.SHORT_BINBYTES: stack.push(take(u8()).slice()); break;
      case OP.BINBYTES8: case OP.BYTEARRAY8: stack.push(take(u64()).slice()); break;
      case OP.NEXT_BUFFER: case OP.READONLY_BUFFER:
        throw fail(`the pickle uses out-of-band buffers (protocol 5 ${op === OP.NEXT_BUFFER ? 'NEXT_BUFFER' : 'READONLY_BUFFER'}), which a saved checkpoint never has.`);
      case OP.EMPTY_TUPLE: stack.push(new PyTuple([])); break;
      case OP.TUPLE: stack.push(new PyTuple(popMark())); break;
      case OP.TUPLE1: { const a = pop(); stack.push(new PyTuple([a])); break; }
      case OP.TUPLE2: { const b = pop(); const a = pop(); stack.push(new PyTuple([a, b])); break; }
      case OP.TUPLE3: { const c = pop(); const b = pop(); const a = pop(); stack.push(new PyTuple([a, b, c])); break; }
      case OP.EMPTY_LIST: stack.push(new PyList([])); break;
      case OP.LIST: stack.push(new PyList(popMark())); break;
      case OP.APPEND: { const v = pop(); appendItems(top(), [v]); break; }
      case OP.APPENDS: { const vs = popMark(); appendItems(top(), vs); break; }
      case OP.EMPTY_SET: stack.push(new PyList([])); break;
      case OP.ADDITEMS: { const vs = popMark(); appendItems(top(), vs); break; }
      case OP.FROZENSET: stack.push(new PyList(popMark())); break;
      case OP.EMPTY_DICT: stack.push(new PyDict()); break;
      case OP.DICT: { const kv = popMark(); const d = new PyDict(); setItems(d, kv); stack.push(d); break; }
      case OP.SETITEM: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; }
      case OP.SETITEMS: { const kv = popMark(); setItems(top(), kv); break; }
      case OP.PUT: { const s = line().trim(); if (!/^\d+$/.test(s)) throw fail(`PUT at byte ${at} has a bad index.`); memo.set(Number(s), top()); break; }
      case OP.BINPUT: memo.set(u8(), top()); break;
      case OP.LONG_BINPUT: memo.set(u32(), top()); break;
      case OP.MEMOIZE: memo.set(memo.size, top()); break;
      case OP.GET: { const s = line().trim(); if (!/^\d+$/.test(s)) throw fail(`GET at byte ${at} has a bad index.`); stack.push(memoGet(Number(s))); break; }
      case OP.BINGET: stack.push(memoGet(u8())); break;
      case OP.LONG_BINGET: stack.push(memoGet(u32())); break;
      case OP.GLOBAL: { const module = line(); const name = line(); stack.push(global(module, name)); break; }
      case OP.STACK_GLOBAL: { const name = str(pop(), 'STACK_GLOBAL name'); const module = str(pop(), 'STACK_GLOBAL module'); stack.push(global(module, name)); break; }
      case OP.REDUCE: { const args = tupleArgs(pop(), 'REDUCE'); const fn = pop(); stack.push(interpret(fn, args, 'calls')); break; }
      case OP.INST: {
        const cls = global(line(), line());
        stack.push(interpret(cls, popMark(), 'instantiates (INST)'));
        break;
      }
      case OP.OBJ: {
        const [cls, ...args] = popMark();
        if (cls === undefined) throw fail(`OBJ at byte ${at} has no class.`);
        stack.push(interpret(cls, args, 'instantiates (OBJ)'));
        break;
      }
      case OP.NEWOBJ: { const args = tupleArgs(pop(), 'NEWOBJ'); const cls = pop(); stack.push(instantiate(cls, args, 'instantiates (NEWOBJ)')); break; }
      case OP.NEWOBJ_EX: {
        pop(); // kwargs: kept nowhere, the object is inert
        const args = tupleArgs(pop(), 'NEWOBJ_EX');
        const cls = pop();
        stack.push(instantiate(cls, args, 'instantiates (NEWOBJ_EX)'));
        break;
      }
      case OP.BUILD: {
        const state = pop();
        const inst = top();
        if (inst instanceof PyObject) {
          if (inst.state instanceof PyDict && state instanceof PyDict) for (const [k, v] of state.map) inst.state.map.set(k, v);
          else inst.state = state;
        } else if (inst instanceof PyDict) inst.attrs = state;
        else if (inst instanceof PyGlobal) throw new UnsafePickleError(file, inst.full, 'sets attributes (BUILD) on');
        else if (!(inst instanceof PyTensor)) throw fail(`BUILD at byte ${at} sets state on a ${describe(inst)}, which a checkpoint never does.`);
        break;
      }
      case OP.PERSID: stack.push(opts.persistentLoad(line())); break;
      case OP.BINPERSID: stack.push(opts.persistentLoad(pop())); break;
      case OP.EXT1: case OP.EXT2: case OP.EXT4:
        throw fail(`the pickle uses the copyreg extension registry (EXT opcode at byte ${at}), which checkpoints never use.`);
      default:
        throw fail(`unknown pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}: this is not a pickle, or it is corrupt.`);
    }
  }
}
