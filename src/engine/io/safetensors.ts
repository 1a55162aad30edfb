/**
 * safetensors: a lazy reader (header parsed and validated up front, one tensor read at a time) and
 * a streaming writer (header first, then each tensor as it is produced).
 * Format: u64 little-endian header length N, N bytes of JSON header
 * {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}, then the data.
 */
import { SafetensorsError } from '../errors';
import { jsonTokensOver, parseJsonBytes, quote } from './bounded';
import type { ByteSource } from './byte-source';
import { DTYPE_BYTES, type Dtype, type TensorValues, decode, encode, isDtype } from './dtypes';

/** Largest header we accept (the Python reader's limit is 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;
/**
 * Most tensors one file may list. A CLIP ViT-L/14 has about 400 and a whole 70B-parameter LLM
 * about 700; a header near the byte cap could otherwise list over a million entries and cost
 * seconds and gigabytes to parse and validate.
 */
export const MAX_TENSORS = 16_384;
/** JSON structure allowed per tensor before parsing (an entry with an 8-d shape uses about 20). */
const TOKENS_PER_TENSOR = 24;

export interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** Absolute byte offset of the data in the file. */
  offset: number;
  byteLength: number;
  /** The file it lives in (for messages and sharded checkpoints). */
  file: string;
}

export interface TensorData {
  dtype: Dtype;
  shape: number[];
  /** Floats widened to float32; U8/BOOL as bytes; other integers as int32. */
  values: TensorValues;
}

/**
 * Anything that holds named tensors and reads them one at a time: one safetensors file, a sharded
 * checkpoint, or an in-memory map. Checkpoint recognition and streaming merges work on this.
 */
export interface TensorStore {
  readonly name: string;
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Total bytes of the underlying file(s). */
  readonly size: number;
  read(name: string): Promise<TensorData>;
  /**
   * Optional: reads an F32 tensor straight into into[0, numel) (caller-owned memory, reused by
   * streaming readers) and returns that view; null when it cannot (another dtype, or a source
   * without readInto): use read then.
   */
  readInto?(name: string, into: Float32Array): Promise<Float32Array | null>;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Opens a safetensors file: reads and validates the header only. */
export async function openSafetensors(src: ByteSource): Promise<TensorStore> {
  const fail = (problem: string, hint?: string) => new SafetensorsError(src.name, problem, hint);
  if (src.size < 8) throw fail(`file is ${src.size} bytes, too small to be safetensors (needs an 8-byte header length).`);
  const lenBytes = await src.read(0, 8);
  const n = new DataView(lenBytes.buffer, lenBytes.byteOffset, 8).getBigUint64(0, true);
  if (n < 2n || n > BigInt(MAX_HEADER_BYTES) || n > BigInt(src.size - 8)) {
    throw fail(`header length ${n} is impossible for a ${src.size}-byte file (allowed 2..${Math.min(MAX_HEADER_BYTES, src.size - 8)}); this is probably not a safetensors file (a PyTorch .bin/.pt must be converted first).`);
  }
  const headerLen = Number(n);
  const headerBytes = await src.read(8, headerLen);
  if (jsonTokensOver(headerBytes, TOKENS_PER_TENSOR * MAX_TENSORS)) {
    throw fail(`header holds more JSON values than ${MAX_TENSORS} tensors need; at most ${MAX_TENSORS} tensors per file are accepted.`, 'This is not a model checkpoint file: re-export it, or split it into shards with an index.');
  }
  const header = parseJsonBytes(headerBytes, (problem) => fail(`header ${problem}`), 'UTF-8 JSON');
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw fail('header is not a JSON object.');
  const dataStart = 8 + headerLen;
  const dataLen = src.size - dataStart;
  const entries = Object.keys(header).length - (Object.hasOwn(header, '__metadata__') ? 1 : 0);
  if (entries > MAX_TENSORS) {
    throw fail(`header lists ${entries} tensors; at most ${MAX_TENSORS} tensors per file are accepted.`, 'This is not a model checkpoint file: re-export it, or split it into shards with an index.');
  }
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    const q = quote(name);
    if (name === '__metadata__') {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || Object.values(raw).some((v) => typeof v !== 'string')) {
        throw fail('"__metadata__" must map strings to strings.');
      }
      metadata = raw as Record<string, string>;
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e === null || typeof e !== 'object' || Array.isArray(e)) throw fail(`entry ${q} is not an object.`);
    if (!isDtype(e.dtype)) throw fail(`tensor ${q} has unknown dtype ${quote(e.dtype)}.`);
    const shape = e.shape;
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw fail(`tensor ${q} has an invalid shape ${quote(shape)} (up to 8 non-negative integers).`);
    }
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[0] > off[1]) {
      throw fail(`tensor ${q} has invalid data_offsets ${quote(off)}.`);
    }
    if (off[1] > dataLen) {
      throw fail(`tensor ${q} ends at byte ${off[1]} of the data but the data section has only ${dataLen} bytes; the file is truncated.`, 'Download or copy the file again: it is incomplete.');
    }
    const expected = numel(shape) * DTYPE_BYTES[e.dtype];
    if (off[1] - off[0] !== expected) {
      throw fail(`tensor ${q} (${e.dtype} ${quote(shape)}) needs ${expected} bytes but its offsets span ${off[1] - off[0]}.`);
    }
    tensors.set(name, { name, dtype: e.dtype, shape: shape as number[], offset: dataStart + off[0], byteLength: expected, file: src.name });
  }
  const sorted = [...tensors.values()].filter((t) => t.byteLength > 0).sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (sorted[i].offset < prev.offset + prev.byteLength) {
      throw fail(`tensors ${quote(prev.name)} and ${quote(sorted[i].name)} overlap in the file.`);
    }
  }
  return {
    name: src.name,
    tensors,
    metadata,
    size: src.size,
    async read(name) {
      const info = tensors.get(name);
      if (!info) throw fail(`has no tensor ${quote(name)}.`);
      const bytes = await src.read(info.offset, info.byteLength);
      let values: TensorValues;
      try {
        values = decode(info.dtype, bytes, numel(info.shape));
      } catch (e) {
        throw fail(`tensor ${quote(name)}: ${(e as Error).message}.`, 'Convert the checkpoint to F32, F16 or BF16 floats.');
      }
      return { dtype: info.dtype, shape: [...info.shape], values };
    },
    async readInto(name, into) {
      const info = tensors.get(name);
      if (!info) throw fail(`has no tensor ${quote(name)}.`);
      const n = numel(info.shape);
      if (info.dtype !== 'F32' || !src.readInto || into.length < n) return null;
      await src.readInto(info.offset, new Uint8Array(into.buffer, into.byteOffset, info.byteLength));
      return into.subarray(0, n);
    },
  };
}

/** Reads every tensor of a store (small files only: tests, inputs, goldens). */
export async function readAll(store: TensorStore): Promise<Map<string, TensorData>> {
  const out = new Map<string, TensorData>();
  for (const name of store.tensors.keys()) out.set(name, await store.read(name));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Where a writer sends bytes: a Node file stream, a browser FileSystemWritableFileStream, memory. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export type WriteDtype = 'F32' | 'F16' | 'BF16' | 'I32' | 'I64' | 'U8';

export interface TensorSpec {
  name: string;
  dtype: WriteDtype;
  shape: number[];
}

/** Builds the header bytes (8-byte length + JSON padded with spaces to a multiple of 8). */
export function encodeHeader(specs: readonly TensorSpec[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) throw new SafetensorsError('writer', `tensor "${s.name}" is listed twice.`, 'Give every tensor a unique name.');
    seen.add(s.name);
    const len = numel(s.shape) * DTYPE_BYTES[s.dtype];
    header[s.name] = { dtype: s.dtype, shape: s.shape, data_offsets: [offset, offset + len] };
    offset += len;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) {
    const padded = new Uint8Array(json.length + pad).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

/**
 * Streams a safetensors file: writes the header, then asks `produce` for each tensor in order and
 * writes it before asking for the next, so only one tensor's bytes are in memory at a time.
 */
export async function writeSafetensors(
  sink: ByteSink,
  specs: readonly TensorSpec[],
  produce: (spec: TensorSpec, index: number) => Promise<TensorValues> | TensorValues,
  metadata?: Record<string, string>,
): Promise<void> {
  await sink.write(encodeHeader(specs, metadata));
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i];
    const values = await produce(spec, i);
    if (values.length !== numel(spec.shape)) {
      throw new SafetensorsError('writer', `tensor "${spec.name}" has ${values.length} values but its shape ${JSON.stringify(spec.shape)} needs ${numel(spec.shape)}.`, 'This is a bug in the producer of the tensor.');
    }
    await sink.write(encode(spec.dtype, values));
  }
  await sink.close();
}

/** A sink that collects bytes in memory (tests, small downloads). */
export function memorySink(): ByteSink & { bytes(): Uint8Array } {
  const chunks: Uint8Array[] = [];
  return {
    async write(c) { chunks.push(c.slice()); },
    async close() {},
    bytes() {
      const out = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
      let o = 0;
      for (const c of chunks) { out.set(c, o); o += c.length; }
      return out;
    },
  };
}
