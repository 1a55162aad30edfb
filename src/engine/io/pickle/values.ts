/**
 * What the safe unpickler produces: plain data, never live Python objects. A class the reader does
 * not interpret becomes an inert PyObject (its class name, constructor arguments and state kept as
 * data), a tensor becomes a PyTensor (a view on a storage that is read later, lazily).
 */
import type { Dtype } from '../dtypes';

export type PyValue =
  | null | boolean | number | bigint | string | Uint8Array
  | PyTuple | PyList | PyDict | PyGlobal | PyObject | PyTensor | PyStorage;

export class PyTuple { constructor(readonly items: PyValue[]) {} }
export class PyList { constructor(readonly items: PyValue[]) {} }

/** dict / OrderedDict (insertion order kept); `attrs` holds state a BUILD set on a dict subclass. */
export class PyDict {
  readonly map = new Map<PyValue, PyValue>();
  attrs: PyValue = null;
}

/** A reference to a module-level name (GLOBAL / STACK_GLOBAL): looked up in tables, never imported. */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get full(): string { return `${this.module}.${this.name}`; }
}

/** An instance of a class the reader does not interpret: data only. */
export class PyObject {
  /** State from BUILD (a module's __dict__, usually a PyDict). */
  state: PyValue = null;
  /** SETITEMS / APPENDS on an instance of a dict or list subclass. */
  readonly items = new PyDict();
  readonly list: PyValue[] = [];
  constructor(readonly cls: PyGlobal, readonly args: PyValue[]) {}
}

/** A storage named by a persistent id: `key` locates its bytes in the file. */
export class PyStorage {
  constructor(readonly key: string, readonly dtype: Dtype) {}
}

/** A strided view of a storage (torch._utils._rebuild_tensor_v2), sizes in elements. */
export class PyTensor {
  constructor(readonly storage: PyStorage, readonly offset: number, readonly shape: number[], readonly stride: number[]) {}
}

/** Short description of a value for messages. */
export function describe(v: PyValue): string {
  if (v === null) return 'None';
  if (v instanceof PyObject) return `${v.cls.full} object`;
  if (v instanceof PyGlobal) return v.full;
  if (v instanceof PyTensor) return 'tensor';
  if (v instanceof PyDict) return 'dict';
  if (v instanceof PyList) return 'list';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyStorage) return 'storage';
  if (v instanceof Uint8Array) return 'bytes';
  return typeof v;
}
