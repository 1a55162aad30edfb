/**
 * Test-only builders of pickles and stored zips, byte by byte (CPython Lib/pickle.py opcodes), so the
 * safety tests can write the hostile files themselves instead of trusting a Python pickler.
 */
const enc = new TextEncoder();

export const op = {
  proto: (v = 2) => [0x80, v],
  global: (module: string, name: string) => [0x63, ...enc.encode(`${module}\n${name}\n`)],
  str: (s: string) => { const b = enc.encode(s); return [0x58, ...u32(b.length), ...b]; },
  int: (v: number) => [0x4a, ...i32(v)],
  none: [0x4e], mark: [0x28], tuple: [0x74], tuple1: [0x85], tuple2: [0x86], tuple3: [0x87], emptyTuple: [0x29],
  emptyDict: [0x7d], emptyList: [0x5d], setitem: [0x73], setitems: [0x75], append: [0x61], reduce: [0x52],
  build: [0x62], newobj: [0x81], newobjEx: [0x92], stackGlobal: [0x93], obj: [0x6f], stop: [0x2e], binpersid: [0x51],
  newtrue: [0x88], newfalse: [0x89],
  inst: (module: string, name: string) => [0x69, ...enc.encode(`${module}\n${name}\n`)],
  put: (i: number) => [0x72, ...u32(i)],
  get: (i: number) => [0x6a, ...u32(i)],
};

function u32(v: number): number[] { return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]; }
function i32(v: number): number[] { return u32(v >>> 0); }

/** Concatenates opcode pieces into pickle bytes. */
export function pickle(...parts: (number[] | readonly number[])[]): Uint8Array {
  return Uint8Array.from(parts.flat());
}

/** A stored (uncompressed) zip of the given entries, as torch.save writes them (CRCs left 0). */
export function storedZip(entries: Record<string, Uint8Array>): Uint8Array {
  const locals: number[] = [];
  const central: number[] = [];
  const u16 = (v: number) => [v & 0xff, (v >>> 8) & 0xff];
  let count = 0;
  for (const [name, data] of Object.entries(entries)) {
    const n = enc.encode(name);
    const offset = locals.length;
    locals.push(...u32(0x04034b50), ...u16(20), ...u16(0), ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(data.length), ...u32(data.length), ...u16(n.length), ...u16(0), ...n, ...data);
    central.push(...u32(0x02014b50), ...u16(20), ...u16(20), ...u16(0), ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(data.length), ...u32(data.length),
      ...u16(n.length), ...u16(0), ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(offset), ...n);
    count++;
  }
  const eocd = [...u32(0x06054b50), ...u16(0), ...u16(0), ...u16(count), ...u16(count), ...u32(central.length), ...u32(locals.length), ...u16(0)];
  return Uint8Array.from([...locals, ...central, ...eocd]);
}

/** The pickle of {name: tensor view of FloatStorage `key` with `numel` elements}. */
export function tensorDictPickle(name: string, numel: number, shape: number[], stride: number[], offset = 0, key = '0'): Uint8Array {
  return pickle(
    op.proto(2), op.emptyDict, op.str(name),
    op.global('torch._utils', '_rebuild_tensor_v2'),
    op.mark,
    op.mark, op.str('storage'), op.global('torch', 'FloatStorage'), op.str(key), op.str('cpu'), op.int(numel), op.tuple, op.binpersid,
    op.int(offset), op.mark, ...shape.map(op.int), op.tuple, op.mark, ...stride.map(op.int), op.tuple, op.newfalse,
    op.global('collections', 'OrderedDict'), op.emptyTuple, op.reduce,
    op.tuple, op.reduce, op.setitem, op.stop,
  );
}

/** A one-tensor torch.save zip whose storage "0" holds `values`. */
export function tensorZip(name: string, values: Float32Array, shape: number[], stride: number[], offset = 0, key = '0'): Uint8Array {
  return storedZip({
    'archive/data.pkl': tensorDictPickle(name, values.length, shape, stride, offset, key),
    'archive/data/0': new Uint8Array(values.buffer.slice(0)),
    'archive/byteorder': enc.encode('little'),
  });
}
