/**
 * The allow-list: the only globals whose calls the reader *interprets* (it never imports or calls
 * anything). Tensor rebuilds turn into PyTensor views, containers into PyDict/PyList, a few inert
 * classes into records. A call (REDUCE, INST, OBJ) of any other global is refused by the caller.
 * Names follow torch.serialization (PyTorch ≥ 1.6 zip format and the legacy format).
 */
import type { Dtype } from '../dtypes';
import { PyDict, PyGlobal, PyList, PyObject, PyStorage, PyTensor, PyTuple, type PyValue, describe } from './values';

/** Python 2 module names that protocol ≤ 2 pickles write (fix_imports), mapped to Python 3's. */
const PY2_MODULES: Readonly<Record<string, string>> = { __builtin__: 'builtins', copy_reg: 'copyreg' };
export const normaliseModule = (m: string) => PY2_MODULES[m] ?? m;

/** torch storage classes named in persistent ids → element dtype. */
export const STORAGE_DTYPES: Readonly<Record<string, Dtype>> = {
  'torch.DoubleStorage': 'F64', 'torch.FloatStorage': 'F32', 'torch.HalfStorage': 'F16', 'torch.BFloat16Storage': 'BF16',
  'torch.LongStorage': 'I64', 'torch.IntStorage': 'I32', 'torch.ShortStorage': 'I16', 'torch.CharStorage': 'I8',
  'torch.ByteStorage': 'U8', 'torch.BoolStorage': 'BOOL', 'torch.UntypedStorage': 'U8',
};

/** Thrown by an interpreter when the arguments are not what the real function takes. */
export class BadArgs extends Error {}
/** Thrown by an interpreter when this use of an allow-listed global is itself unsafe. */
export class Refused extends Error {}

/** Enums some pickled modules hold (torchvision transforms' interpolation): read as records. */
const INERT_ENUMS = new Set(['torchvision.transforms.functional.InterpolationMode']);

const isInt = (v: PyValue): v is number => typeof v === 'number' && Number.isSafeInteger(v);
function ints(v: PyValue, what: string): number[] {
  if (!(v instanceof PyTuple || v instanceof PyList) || !v.items.every((x) => isInt(x) && x >= 0)) throw new BadArgs(`${what} must be a tuple of non-negative integers, got ${describe(v)}`);
  return v.items as number[];
}
function tensorOf(args: PyValue[], n: number): PyTensor {
  if (args.length < n || args.length > n + 4) throw new BadArgs(`takes ${n}+ arguments, got ${args.length}`);
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof PyStorage)) throw new BadArgs(`needs a storage (persistent id) first, got ${describe(storage)}`);
  if (!isInt(offset) || offset < 0) throw new BadArgs('storage offset must be a non-negative integer');
  const shape = ints(size, 'size');
  const strides = ints(stride, 'stride');
  if (shape.length !== strides.length) throw new BadArgs(`size has ${shape.length} dims but stride ${strides.length}`);
  return new PyTensor(storage, offset, shape, strides);
}
const param = (args: PyValue[]) => {
  if (!(args[0] instanceof PyTensor)) throw new BadArgs(`needs a tensor, got ${describe(args[0] ?? null)}`);
  return args[0];
};
const items = (v: PyValue | undefined): PyValue[] => {
  if (v === undefined) return [];
  if (v instanceof PyList || v instanceof PyTuple) return v.items;
  throw new BadArgs(`needs a list, got ${describe(v)}`);
};
/** A call that builds an inert record of `cls` (never running its code). */
const record = (cls: PyValue, args: PyValue[]) => {
  if (!(cls instanceof PyGlobal)) throw new BadArgs(`needs a class, got ${describe(cls)}`);
  return new PyObject(cls, args);
};

export type Interpreter = (args: PyValue[], interpret: (fn: PyValue, args: PyValue[]) => PyValue) => PyValue;

/** Allow-listed callables and what calling them means, as data. */
export const INTERPRETED: ReadonlyMap<string, Interpreter> = new Map<string, Interpreter>([
  ['torch._utils._rebuild_tensor_v2', (a) => tensorOf(a, 4)],
  ['torch._utils._rebuild_tensor', (a) => tensorOf(a, 4)],
  ['torch._utils._rebuild_parameter', param],
  ['torch._utils._rebuild_parameter_with_state', param],
  ['torch._tensor._rebuild_from_type_v2', (a, interpret) => {
    if (!(a[2] instanceof PyTuple)) throw new BadArgs('needs an argument tuple');
    return interpret(a[0], a[2].items);
  }],
  ['collections.OrderedDict', (a) => {
    const d = new PyDict();
    for (const kv of items(a[0])) {
      if (!(kv instanceof PyTuple || kv instanceof PyList) || kv.items.length !== 2) throw new BadArgs('needs (key, value) pairs');
      d.map.set(kv.items[0], kv.items[1]);
    }
    return d;
  }],
  ['builtins.set', (a) => new PyList([...items(a[0])])],
  ['builtins.frozenset', (a) => new PyList([...items(a[0])])],
  ['torch.Size', (a) => new PyTuple([...items(a[0])])],
  ['_codecs.encode', (a) => {
    if (typeof a[0] !== 'string' || !['latin1', 'latin-1'].includes(String(a[1]))) throw new BadArgs('only latin1 text → bytes is read');
    return Uint8Array.from(a[0], (ch) => ch.charCodeAt(0) & 0xff);
  }],
  // Protocol 0/1 instances: _reconstructor(cls, object, None) and __newobj__(cls, *args) only allocate.
  ['copyreg._reconstructor', (a) => record(a[0], [])],
  ['copyreg.__newobj__', (a) => record(a[0], a.slice(1))],
  // Inert values some modules keep as attributes: recorded, not built.
  ['torch.device', (a) => new PyObject(new PyGlobal('torch', 'device'), a)],
  ['torchvision.transforms.functional.InterpolationMode', (a) => new PyObject(new PyGlobal('torchvision.transforms.functional', 'InterpolationMode'), a)],
  // Python ≥ 3.11 pickles an enum member as getattr(EnumClass, "NAME"); any other getattr is refused.
  ['builtins.getattr', (a) => {
    if (!(a[0] instanceof PyGlobal) || !INERT_ENUMS.has(a[0].full) || typeof a[1] !== 'string' || a.length !== 2) throw new Refused();
    return new PyObject(a[0], [a[1]]);
  }],
]);

/**
 * Modules whose names must never be instantiated, even inertly (NEWOBJ): code runners, processes,
 * files, sockets, importers. A pickle naming them is hostile.
 */
const DENIED_MODULES = ['os', 'posix', 'nt', 'subprocess', 'sys', 'shutil', 'socket', 'importlib', 'runpy', 'pickle', '_pickle',
  'marshal', 'ctypes', 'code', 'codeop', 'pty', 'webbrowser', 'multiprocessing', 'signal', 'builtins', 'io', 'tempfile',
  'pathlib', 'urllib', 'http', 'asyncio', 'threading', '_thread', 'types', 'functools', 'operator', 'inspect', 'gc',
  'platform', 'pdb', 'timeit', 'commands', 'popen2', 'torch.hub', 'numpy.testing', 'pydoc', 'zipimport'];

export function isDenied(g: PyGlobal): boolean {
  if (g.module === 'builtins' && g.name === 'object') return false;
  return DENIED_MODULES.some((m) => g.module === m || g.module.startsWith(`${m}.`));
}
