// Hostile pickles, written here byte by byte: every one is refused with a typed error that names
// what it tried, and nothing runs (the payloads would set a global if anything evaluated them).
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MergelabError } from '../../errors';
import { openCheckpoint } from '../../model/clip-vit/open-checkpoint';
import { memorySource } from '../byte-source';
import { op, pickle, storedZip, tensorDictPickle, tensorZip } from '../../testing/pickle-craft';
import { PickleError, UnsafePickleError } from './errors';
import { openPytorch } from './torch-file';
import { MAX_MARKS, unpickle } from './unpickler';
import { MAX_DEPTH } from './walk';

const PAYLOAD = 'globalThis.__mergelabPwned = 1';
const zipOf = (pkl: Uint8Array) => storedZip({ 'archive/data.pkl': pkl, 'archive/byteorder': new TextEncoder().encode('little') });
const errorOf = async (bytes: Uint8Array, name = 'evil.pt') => {
  try { await openPytorch(memorySource(bytes, name)); } catch (e) { return e as MergelabError; }
  throw new Error('expected the file to be refused');
};
const call = (module: string, name: string, ...args: number[][]) => pickle(op.proto(2), op.global(module, name), op.mark, ...args, op.tuple, op.reduce, op.stop);

afterEach(() => expect((globalThis as Record<string, unknown>).__mergelabPwned).toBeUndefined());

describe('calls outside the allow-list are refused, naming the global', () => {
  it.each([
    ['os', 'system', 'os.system'],
    ['posix', 'system', 'posix.system'],
    ['builtins', 'eval', 'builtins.eval'],
    ['__builtin__', 'exec', 'builtins.exec'],
    ['subprocess', 'Popen', 'subprocess.Popen'],
    ['builtins', '__import__', 'builtins.__import__'],
    ['evilpkg.payload', 'run', 'evilpkg.payload.run'],
    ['torch', 'load', 'torch.load'],
  ])('REDUCE of %s.%s', async (module, name, full) => {
    const e = await errorOf(zipOf(call(module, name, op.str(PAYLOAD))));
    expect(e).toBeInstanceOf(UnsafePickleError);
    expect((e as UnsafePickleError).global).toBe(full);
    expect(e.message).toContain(`calls ${full}`);
    expect(e.message).toMatch(/unsafe.*nothing was executed/);
    expect(e.hint).toMatch(/state_dict/);
  });

  it('STACK_GLOBAL, INST and OBJ are calls too', async () => {
    const stackGlobal = pickle(op.proto(4), op.str('os'), op.str('system'), op.stackGlobal, op.str(PAYLOAD), op.tuple1, op.reduce, op.stop);
    expect(((await errorOf(zipOf(stackGlobal))) as UnsafePickleError).global).toBe('os.system');
    const inst = pickle(op.mark, op.str(PAYLOAD), op.inst('os', 'system'), op.stop);
    const e1 = await errorOf(zipOf(inst));
    expect(e1.message).toContain('instantiates (INST) os.system');
    const obj = pickle(op.proto(2), op.mark, op.global('subprocess', 'check_output'), op.str(PAYLOAD), op.obj, op.stop);
    expect(((await errorOf(zipOf(obj))) as UnsafePickleError).global).toBe('subprocess.check_output');
  });

  it('NEWOBJ / NEWOBJ_EX of a dangerous class, getattr tricks and BUILD on a global', async () => {
    const newobjEx = pickle(op.proto(4), op.global('subprocess', 'Popen'), op.mark, op.str(PAYLOAD), op.tuple, op.emptyDict, op.newobjEx, op.stop);
    const e = await errorOf(zipOf(newobjEx));
    expect(e).toBeInstanceOf(UnsafePickleError);
    expect(e.message).toContain('instantiates (NEWOBJ_EX) subprocess.Popen');
    const newobj = pickle(op.proto(2), op.global('os', '_wrap_close'), op.emptyTuple, op.newobj, op.stop);
    expect(((await errorOf(zipOf(newobj))) as UnsafePickleError).global).toBe('os._wrap_close');
    // getattr(os, "system")(payload): the classic way around a module allow-list.
    const getattr = pickle(op.proto(2), op.global('builtins', 'getattr'), op.mark, op.global('os', 'path'), op.str('system'), op.tuple, op.reduce,
      op.str(PAYLOAD), op.tuple1, op.reduce, op.stop);
    expect(((await errorOf(zipOf(getattr))) as UnsafePickleError).global).toBe('builtins.getattr');
    const build = pickle(op.proto(2), op.global('torch.nn.modules.module', 'Module'), op.emptyDict, op.str('__reduce__'), op.str(PAYLOAD), op.setitem, op.build, op.stop);
    expect(((await errorOf(zipOf(build))) as UnsafePickleError).global).toBe('torch.nn.modules.module.Module');
  });

  it('the refusal reaches the Models panel unchanged through openCheckpoint', async () => {
    const bin = memorySource(zipOf(call('os', 'system', op.str(PAYLOAD))), 'pytorch_model.bin');
    await expect(openCheckpoint('evil', [bin])).rejects.toThrow(/pytorch_model\.bin: the pickle calls os\.system.*unsafe/);
  });
});

describe('malformed and abusive structure gets a typed error, never a hang or a raw exception', () => {
  const raw = (bytes: Uint8Array) => () => unpickle(bytes, { file: 'x.pkl', persistentLoad: () => null });

  it('deep recursion: MARK bombs and nesting deeper than the walker allows', async () => {
    expect(raw(pickle(op.proto(2), ...Array(MAX_MARKS + 1).fill(op.mark), op.stop))).toThrow(/more than 10000 nested MARKs/);
    const nested: number[][] = [op.proto(2)];
    for (let i = 0; i <= MAX_DEPTH + 1; i++) nested.push(op.emptyDict, op.str('a'));
    nested.push(op.none);
    for (let i = 0; i <= MAX_DEPTH + 1; i++) nested.push(op.setitem);
    nested.push(op.stop);
    const e = await errorOf(zipOf(pickle(...nested)));
    expect(e).toBeInstanceOf(PickleError);
    expect(e.message).toMatch(/nested more than 64 deep/);
  });

  it('memo abuse: reading an unset memo slot, a dict that contains itself, an exponential DAG', async () => {
    expect(raw(pickle(op.proto(2), op.get(7), op.stop))).toThrow(/memo entry 7 is read .* never stored/);
    const cycle = pickle(op.proto(2), op.emptyDict, op.put(0), op.str('self'), op.get(0), op.setitem, op.stop);
    expect((await errorOf(zipOf(cycle))).message).toMatch(/loops back on itself at "self"/);
    const dag: number[][] = [op.proto(2), op.emptyDict, op.put(0)];
    for (let i = 1; i <= 40; i++) dag.push(op.emptyDict, op.mark, op.str('a'), op.get(i - 1), op.str('b'), op.get(i - 1), op.setitems, op.put(i));
    dag.push(op.stop);
    const t0 = performance.now();
    expect((await errorOf(zipOf(pickle(...dag)))).message).toMatch(/more than 2000000 entries/);
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  it('storage keys outside the zip, path tricks in keys, unknown storage types', async () => {
    const zip = (key: string) => storedZip({ 'archive/data.pkl': tensorDictPickle('w', 4, [4], [1], 0, key), 'archive/data/0': new Uint8Array(16) });
    expect((await errorOf(zip('7'))).message).toMatch(/storage "7" is not in the zip \(no entry archive\/data\/7\)/);
    expect((await errorOf(zip('../../etc/passwd'))).message).toMatch(/storage key .* not a plain name/);
    const complex = pickle(op.proto(2), op.mark, op.str('storage'), op.global('torch', 'ComplexFloatStorage'), op.str('0'), op.str('cpu'), op.int(1), op.tuple, op.binpersid, op.stop);
    expect((await errorOf(zipOf(complex))).message).toMatch(/storage type torch\.ComplexFloatStorage, which mergelab does not read/);
  });

  it('lengths beyond the file: strings, zip entries, storages and views', async () => {
    expect(raw(pickle(op.proto(2), [0x58, 0xf0, 0xff, 0xff, 0xff], op.stop))).toThrow(/asks for 4294967280 bytes .* truncated or corrupt/);
    const good = tensorZip('w', new Float32Array([1, 2, 3, 4]), [4], [1]);
    expect((await errorOf(good.subarray(0, good.length - 30))).message).toMatch(/end-of-central-directory|beyond/);
    // A storage that claims more elements than its entry holds.
    const short = storedZip({ 'archive/data.pkl': tensorDictPickle('w', 100, [4], [1]), 'archive/data/0': new Uint8Array(16) });
    expect((await errorOf(short)).message).toMatch(/should hold 100 F32 elements but its entry has 16 bytes/);
    // A view that reaches past its storage (offset 2, 4 elements of a 4-element storage).
    expect((await errorOf(tensorZip('w', new Float32Array(4), [4], [1], 2))).message).toMatch(/tensor "w" .* reaches element 5 of a storage that holds 4/);
    expect((await errorOf(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]))).message).toMatch(/end-of-central-directory/);
  });

  it('the tar format of PyTorch < 0.4 and non-checkpoints are named', async () => {
    const tar = new Uint8Array(1024);
    tar.set(new TextEncoder().encode('ustar'), 257);
    expect((await errorOf(tar)).message).toMatch(/tar format of PyTorch before 0\.4/);
    expect((await errorOf(new TextEncoder().encode('{"not": "a pickle"}'))).message).toMatch(/neither a zip .* nor a pickle/);
    expect((await errorOf(pickle(op.proto(2), op.int(3), op.stop))).message).toMatch(/not the torch\.save magic number/);
  });
});

describe('what is allowed is read as data', () => {
  it('a strided view is gathered row-major (checked by hand)', async () => {
    // storage 0..11; view offset 1, shape [2, 3], stride [1, 4] → [[1, 5, 9], [2, 6, 10]]
    const store = await openPytorch(memorySource(tensorZip('w', Float32Array.from({ length: 12 }, (_, i) => i), [2, 3], [1, 4], 1), 'v.pt'));
    const t = await store.read('w');
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.values)).toEqual([1, 5, 9, 2, 6, 10]);
    // an expanded view (stride 0) repeats one element
    const ex = await openPytorch(memorySource(tensorZip('e', new Float32Array([7, 8]), [3], [0], 1), 'e.pt'));
    expect(Array.from((await ex.read('e')).values)).toEqual([8, 8, 8]);
  });

  it('the legacy format with a pickle longer than the first 1 MiB read (hand-built)', async () => {
    const magic = [0x8a, 10, ...Array.from({ length: 10 }, (_, i) => Number((0x1950a86a20f9469cfc6cn >> BigInt(8 * i)) & 0xffn))];
    const big = 'x'.repeat(1_500_000);
    const main = pickle(op.proto(2), op.emptyDict, op.str('note'), op.str(big), op.setitem, op.str('w'),
      op.global('torch._utils', '_rebuild_tensor_v2'), op.mark,
      op.mark, op.str('storage'), op.global('torch', 'FloatStorage'), op.str('k1'), op.str('cpu'), op.int(3), op.none, op.tuple, op.binpersid,
      op.int(1), op.mark, op.int(2), op.tuple, op.mark, op.int(1), op.tuple, op.newfalse, op.emptyTuple, op.tuple, op.reduce, op.setitem, op.stop);
    const count = new Uint8Array(new BigInt64Array([3n]).buffer);
    const file = new Uint8Array([
      ...pickle(op.proto(2), magic, op.stop), ...pickle(op.proto(2), op.int(1001), op.stop), ...pickle(op.proto(2), op.emptyDict, op.stop),
      ...main, ...pickle(op.proto(2), op.emptyList, op.str('k1'), op.append, op.stop), ...count, ...new Uint8Array(new Float32Array([1.5, 2.5, 3.5]).buffer),
    ]);
    const store = await openPytorch(memorySource(file, 'old.pt'));
    expect(store.format).toBe('legacy');
    expect(Array.from((await store.read('w')).values)).toEqual([2.5, 3.5]);
  });

  it('the reader contains no way to run code', () => {
    const dir = new URL('.', import.meta.url);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
      const src = readFileSync(new URL(f, dir), 'utf8');
      expect(src, f).not.toMatch(/\beval\s*\(|new Function|\bimport\s*\(|require\s*\(/);
    }
  });
});
