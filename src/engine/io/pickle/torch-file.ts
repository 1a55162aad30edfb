/**
 * Opens a torch.save file as a TensorStore without executing it: the zip format of PyTorch ≥ 1.6
 * (`<archive>/data.pkl` + `<archive>/data/<key>` storages, `<archive>/byteorder`) and the legacy
 * format of earlier versions (magic number, protocol, sys_info, the pickle, the storage keys, then
 * each storage as an int64 element count and its bytes). Only the pickle is read up front; each
 * tensor's bytes are sliced from the file when it is read, like safetensors.
 */
import type { ByteSource } from '../byte-source';
import type { TensorData, TensorInfo, TensorStore } from '../safetensors';
import type { Dtype } from '../dtypes';
import { STORAGE_DTYPES } from './allow-list';
import { PickleError } from './errors';
import { unpickle, type Unpickled } from './unpickler';
import { PyGlobal, PyList, PyStorage, PyTuple, type PyValue, describe } from './values';
import { checkView, elementBytes, gather, isContiguous, numelOf } from './views';
import { walkCheckpoint, type Walked } from './walk';
import { readZipIndex } from './zip';

/** Largest data.pkl read (module trees are kilobytes to a few megabytes). */
export const MAX_PICKLE_BYTES = 256 * 1024 * 1024;

export interface PickleStore extends TensorStore {
  readonly format: 'zip' | 'legacy';
  readonly walked: Walked;
  /** Classes kept as inert records, "module.name" → count. */
  readonly records: ReadonlyMap<string, number>;
}

interface StorageLoc { storage: PyStorage; start: number; numel: number }


function storageFromPid(file: string, pid: PyValue, legacy: boolean): { storage: PyStorage; numel: number } {
  const bad = (why: string) => new PickleError(file, `a persistent id ${why}; torch.save writes ('storage', <type>, <key>, <location>, <numel>).`);
  if (!(pid instanceof PyTuple) || pid.items[0] !== 'storage' || pid.items.length < 5) throw bad(`is a ${describe(pid)}`);
  const [, type, key, , numel] = pid.items;
  if (!(type instanceof PyGlobal)) throw bad(`names its storage type with a ${describe(type)}`);
  const dtype: Dtype | undefined = STORAGE_DTYPES[type.full];
  if (!dtype) throw new PickleError(file, `uses storage type ${type.full}, which mergelab does not read (it reads ${Object.keys(STORAGE_DTYPES).join(', ')}).`, 'Convert the tensors to float32, float16 or bfloat16 and save again.');
  if (typeof key !== 'string' || !/^[\w.-]+$/.test(key)) throw bad(`has a storage key ${JSON.stringify(String(key)).slice(0, 60)} that is not a plain name`);
  if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) throw bad('has a bad element count');
  if (legacy && pid.items[5] !== null && pid.items[5] !== undefined) throw new PickleError(file, 'uses storage views (a pre-0.4 PyTorch feature) that mergelab does not read.');
  return { storage: new PyStorage(key, dtype), numel };
}

async function openZip(src: ByteSource): Promise<{ un: Unpickled; locate: (s: PyStorage) => Promise<StorageLoc> }> {
  const zip = await readZipIndex(src);
  const pkls = [...zip.entries.keys()].filter((n) => n === 'data.pkl' || /^[^/]+\/data\.pkl$/.test(n));
  if (pkls.length !== 1) throw new PickleError(src.name, pkls.length ? `holds ${pkls.length} data.pkl files (${pkls.join(', ')}).` : 'is a zip without a data.pkl: not a torch.save file.', 'Pick the pytorch_model.bin / .pt file written by torch.save.');
  const prefix = pkls[0].slice(0, -'data.pkl'.length);
  const entryBytes = async (name: string) => {
    const e = zip.entries.get(name)!;
    if (e.method !== 0) throw new PickleError(src.name, `entry "${name}" is compressed (method ${e.method}); torch.save stores entries uncompressed.`);
    return src.read(await zip.dataOffset(e), e.size);
  };
  const order = zip.entries.get(`${prefix}byteorder`);
  if (order) {
    const text = new TextDecoder().decode(await entryBytes(order.name)).trim();
    if (text !== 'little') throw new PickleError(src.name, `stores its tensors ${text}-endian; mergelab reads little-endian files.`, 'Load and save it again on a little-endian machine (any x86 or ARM computer).');
  }
  const pkl = zip.entries.get(pkls[0])!;
  if (pkl.size > MAX_PICKLE_BYTES) throw new PickleError(src.name, `has a ${pkl.size}-byte data.pkl; more than ${MAX_PICKLE_BYTES} bytes is not a checkpoint's pickle.`);
  const storages = new Map<string, PyStorage>();
  const un = unpickle(await entryBytes(pkls[0]), {
    file: src.name,
    persistentLoad(pid) {
      const { storage, numel } = storageFromPid(src.name, pid, false);
      const seen = storages.get(storage.key);
      if (seen) return seen;
      const entry = zip.entries.get(`${prefix}data/${storage.key}`);
      if (!entry) throw new PickleError(src.name, `a tensor's storage "${storage.key}" is not in the zip (no entry ${prefix}data/${storage.key}).`, 'The file is damaged or was assembled by hand: save it again with torch.save.');
      if (entry.size < numel * elementBytes(storage.dtype)) throw new PickleError(src.name, `storage "${storage.key}" should hold ${numel} ${storage.dtype} elements but its entry has ${entry.size} bytes.`);
      storages.set(storage.key, storage);
      return storage;
    },
  });
  return {
    un,
    async locate(s) {
      const e = zip.entries.get(`${prefix}data/${s.key}`)!;
      if (e.method !== 0) throw new PickleError(src.name, `storage entry "${e.name}" is compressed; torch.save stores entries uncompressed.`);
      return { storage: s, start: await zip.dataOffset(e), numel: Math.floor(e.size / elementBytes(s.dtype)) };
    },
  };
}

/** The legacy format's pickles come first: read 1 MiB of the file, and 64 MiB when they are longer. */
const LEGACY_HEAD = 1024 * 1024;
const LEGACY_HEAD_MAX = 64 * 1024 * 1024;

async function openLegacy(src: ByteSource): Promise<{ un: Unpickled; locate: (s: PyStorage) => Promise<StorageLoc> }> {
  const head = await src.read(0, Math.min(src.size, LEGACY_HEAD));
  try {
    return await openLegacyHead(src, head);
  } catch (e) {
    // A pickle cut off by the end of the short head is read again with the long one.
    if (!(e instanceof PickleError) || head.length === src.size) throw e;
  }
  return openLegacyHead(src, await src.read(0, Math.min(src.size, LEGACY_HEAD_MAX)));
}

async function openLegacyHead(src: ByteSource, head: Uint8Array): Promise<{ un: Unpickled; locate: (s: PyStorage) => Promise<StorageLoc> }> {
  const noPid = { file: src.name, persistentLoad: () => { throw new PickleError(src.name, 'has a persistent id outside its main pickle.'); } };
  const magic = unpickle(head, noPid);
  if (magic.value !== 0x1950a86a20f9469cfc6cn) throw new PickleError(src.name, 'starts with a pickle that is not the torch.save magic number: this is a plain pickle, not a PyTorch checkpoint.', 'mergelab reads files written by torch.save.');
  const protocol = unpickle(head, noPid, magic.end);
  if (protocol.value !== 1001) throw new PickleError(src.name, `has legacy protocol ${String(protocol.value)}; mergelab reads 1001.`);
  const sysInfo = unpickle(head, noPid, protocol.end);
  const storages = new Map<string, { storage: PyStorage; numel: number }>();
  const un = unpickle(head, {
    file: src.name,
    persistentLoad(pid) {
      const s = storageFromPid(src.name, pid, true);
      const seen = storages.get(s.storage.key);
      if (seen) return seen.storage;
      storages.set(s.storage.key, s);
      return s.storage;
    },
  }, sysInfo.end);
  const keys = unpickle(head, noPid, un.end);
  if (!(keys.value instanceof PyList) || !keys.value.items.every((k) => typeof k === 'string')) throw new PickleError(src.name, 'has no list of storage keys after its pickle.');
  // Storages follow in key order, each as an int64 element count and its bytes.
  const locs = new Map<string, StorageLoc>();
  let at = keys.end;
  for (const key of keys.value.items as string[]) {
    const s = storages.get(key);
    if (!s) throw new PickleError(src.name, `lists storage "${key}" that no tensor uses.`);
    if (at + 8 > src.size) throw new PickleError(src.name, `storage "${key}" starts beyond the end of the file: it is truncated.`, 'Download or copy the file again.');
    const nb = await src.read(at, 8);
    const count = Number(new DataView(nb.buffer, nb.byteOffset, 8).getBigInt64(0, true));
    const bytes = count * elementBytes(s.storage.dtype);
    if (count < 0 || at + 8 + bytes > src.size) throw new PickleError(src.name, `storage "${key}" claims ${count} elements, beyond the end of the file.`, 'Download or copy the file again.');
    locs.set(key, { storage: s.storage, start: at + 8, numel: count });
    at += 8 + bytes;
  }
  const missing = [...storages.keys()].filter((k) => !locs.has(k));
  if (missing.length) throw new PickleError(src.name, `tensors use storages that are not in the file: ${missing.join(', ')}.`);
  return { un, locate: async (s) => locs.get(s.key)! };
}

/** Opens a torch.save file (zip or legacy); throws PickleError / UnsafePickleError on bad input. */
export async function openPytorch(src: ByteSource): Promise<PickleStore> {
  if (src.size < 4) throw new PickleError(src.name, `is ${src.size} bytes, too small to be a torch.save file.`);
  const head = await src.read(0, Math.min(src.size, 512));
  const isZip = head[0] === 0x50 && head[1] === 0x4b;
  if (!isZip && head.length >= 262 && new TextDecoder('latin1').decode(head.subarray(257, 262)) === 'ustar') {
    throw new PickleError(src.name, 'is in the tar format of PyTorch before 0.4, which mergelab does not read.', 'Load it with an old PyTorch and save it again (torch.save(torch.load(path), path2)), or convert it to safetensors.');
  }
  if (!isZip && head[0] !== 0x80) throw new PickleError(src.name, 'is neither a zip (torch.save since PyTorch 1.6) nor a pickle (the legacy format).', 'Pick the pytorch_model.bin / .pt file written by torch.save.');
  const { un, locate } = isZip ? await openZip(src) : await openLegacy(src);
  const walked = walkCheckpoint(src.name, un.value);
  const tensors = new Map<string, TensorInfo>();
  const located = new Map<string, StorageLoc>();
  for (const [name, t] of walked.tensors) {
    let loc = located.get(t.storage.key);
    if (!loc) { loc = await locate(t.storage); located.set(t.storage.key, loc); }
    checkView(src.name, name, t, loc.numel);
    const el = elementBytes(t.storage.dtype);
    tensors.set(name, { name, dtype: t.storage.dtype, shape: [...t.shape], offset: loc.start + t.offset * el, byteLength: numelOf(t.shape) * el, file: src.name });
  }
  const read = async (name: string): Promise<TensorData> => {
    const t = walked.tensors.get(name);
    if (!t) throw new PickleError(src.name, `has no tensor "${name}".`);
    const loc = located.get(t.storage.key)!;
    const dtype = t.storage.dtype;
    const el = elementBytes(dtype);
    const count = numelOf(t.shape) === 0 ? 0 : t.shape.reduce((a, d, i) => a + (d - 1) * t.stride[i], 0) + 1;
    const bytes = count ? await src.read(loc.start + t.offset * el, count * el) : new Uint8Array(0);
    try {
      return { dtype, shape: [...t.shape], values: gather(t, dtype, bytes) };
    } catch (e) {
      throw new PickleError(src.name, `tensor "${name}": ${(e as Error).message}.`, 'Convert the checkpoint to float32, float16 or bfloat16 tensors.');
    }
  };
  return {
    name: src.name,
    tensors,
    metadata: {},
    size: src.size,
    format: isZip ? 'zip' : 'legacy',
    walked,
    records: un.records,
    read,
    async readInto(name, into) {
      // Contiguous F32 views go straight into the caller's memory (streaming merges).
      const t = walked.tensors.get(name);
      const info = tensors.get(name);
      if (!t || !info || info.dtype !== 'F32' || !src.readInto || !isContiguous(t) || into.length < numelOf(t.shape)) return null;
      await src.readInto(info.offset, new Uint8Array(into.buffer, into.byteOffset, info.byteLength));
      return into.subarray(0, numelOf(t.shape));
    },
  };
}
