/**
 * MNIST-style IDX files (LeCun's format): bytes 0–1 zero, byte 2 the element type, byte 3 the
 * number of dimensions, then one big-endian u32 per dimension, then the data in big-endian,
 * row-major. Gzipped files (`.gz`, magic 1f 8b) are inflated with DecompressionStream, which
 * exists in browsers, workers and Node ≥ 18. idxImages turns an images + labels pair into a
 * task's TaskImages (grey images are repeated to RGB and resized by CLIP preprocessing).
 */
import type { ByteSource } from '../io/byte-source';
import { DataError } from './errors';
import { type TaskImages, arrayImages } from './task-images';

/** Element types of the format, by their type byte. */
const IDX_TYPES = {
  0x08: { name: 'u8', bytes: 1 },
  0x09: { name: 'i8', bytes: 1 },
  0x0b: { name: 'i16', bytes: 2 },
  0x0c: { name: 'i32', bytes: 4 },
  0x0d: { name: 'f32', bytes: 4 },
  0x0e: { name: 'f64', bytes: 8 },
} as const;

export type IdxType = (typeof IDX_TYPES)[keyof typeof IDX_TYPES]['name'];

export interface IdxArray {
  type: IdxType;
  shape: number[];
  /** u8 stays bytes; other integers widen to int32; floats become float32. */
  data: Uint8Array | Int32Array | Float32Array;
}

/** Largest inflated IDX file accepted (MNIST's 10,000 test images are 7.8 MB): a gzip bomb stops here. */
export const MAX_IDX_BYTES = 2 ** 30;

const HINT = 'Use MNIST-style IDX files (e.g. t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, optionally .gz), complete and uncorrupted.';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates gzip bytes with the platform's DecompressionStream. */
export async function gunzip(bytes: Uint8Array, file: string, maxBytes = MAX_IDX_BYTES): Promise<Uint8Array> {
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  // Write and close without awaiting: the reader below drains the stream (no backpressure stall).
  writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const chunks: Uint8Array[] = [];
  const reader = ds.readable.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        reader.cancel().catch(() => {});
        throw new DataError(file, `inflates to more than ${maxBytes} bytes, more than an IDX file here may hold.`, HINT);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(file, `is not valid gzip data (${(e as Error).message}).`, HINT);
  }
  const out = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

/** Parses an IDX file (gzipped or not). `file` names it in errors. */
export async function parseIdx(raw: Uint8Array, file: string): Promise<IdxArray> {
  const bytes = isGzip(raw) ? await gunzip(raw, file) : raw;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(file, 'is not an IDX file (it must start with two zero bytes, a type byte and a dimension count).', HINT);
  }
  const t = IDX_TYPES[bytes[2] as keyof typeof IDX_TYPES];
  if (!t) throw new DataError(file, `has unknown IDX element type 0x${bytes[2].toString(16)}.`, HINT);
  const ndim = bytes[3];
  const headerLen = 4 + 4 * ndim;
  if (ndim === 0 || bytes.length < headerLen) throw new DataError(file, `has a truncated IDX header (${ndim} dimensions).`, HINT);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const need = headerLen + count * t.bytes;
  if (bytes.length !== need) {
    throw new DataError(file, `IDX shape [${shape.join(',')}] of ${t.name} needs ${need} bytes but the file has ${bytes.length}.`, HINT);
  }
  return { type: t.name, shape, data: decodeBigEndian(t.name, view, headerLen, count) };
}

function decodeBigEndian(type: IdxType, view: DataView, start: number, count: number): IdxArray['data'] {
  switch (type) {
    case 'u8': return new Uint8Array(view.buffer, view.byteOffset + start, count).slice();
    case 'i8': { const o = new Int32Array(count); for (let i = 0; i < count; i++) o[i] = view.getInt8(start + i); return o; }
    case 'i16': { const o = new Int32Array(count); for (let i = 0; i < count; i++) o[i] = view.getInt16(start + 2 * i, false); return o; }
    case 'i32': { const o = new Int32Array(count); for (let i = 0; i < count; i++) o[i] = view.getInt32(start + 4 * i, false); return o; }
    case 'f32': { const o = new Float32Array(count); for (let i = 0; i < count; i++) o[i] = view.getFloat32(start + 4 * i, false); return o; }
    case 'f64': { const o = new Float32Array(count); for (let i = 0; i < count; i++) o[i] = view.getFloat64(start + 8 * i, false); return o; }
  }
}

/** Writes u8 data as an (uncompressed) IDX file: the zoo and tests use it to make MNIST-style data. */
export function encodeIdxU8(shape: readonly number[], data: Uint8Array): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`IDX shape [${shape.join(',')}] needs ${count} values, got ${data.length}`);
  const out = new Uint8Array(4 + 4 * shape.length + count);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * shape.length);
  return out;
}

/** A task split as MNIST-style IDX files: images u8 [N, H, W] (grey) or [N, H, W, 3], labels [N]. */
export async function idxImages(task: string, images: ByteSource, labels: ByteSource, numClasses: number): Promise<TaskImages> {
  const hint = 'Images must be an idx3-ubyte file [N, H, W] (or [N, H, W, 3]) and labels an idx1-ubyte file [N].';
  for (const f of [images, labels]) {
    if (f.size > MAX_IDX_BYTES) throw new DataError(f.name, `is ${f.size} bytes, more than the ${MAX_IDX_BYTES} accepted for an IDX file.`, HINT);
  }
  const im = await parseIdx(await images.read(0, images.size), images.name);
  const lb = await parseIdx(await labels.read(0, labels.size), labels.name);
  const [N, H, W, C = 1] = im.shape;
  if (im.type !== 'u8' || !(im.shape.length === 3 || (im.shape.length === 4 && C === 3))) {
    throw new DataError(images.name, `holds ${im.type} [${im.shape}]; images must be u8 [N, H, W] or [N, H, W, 3].`, hint);
  }
  if (lb.type === 'f32' || lb.type === 'f64' || lb.shape.length !== 1) {
    throw new DataError(labels.name, `holds ${lb.type} [${lb.shape}]; labels must be integers [N].`, hint);
  }
  const source = `${images.name} + ${labels.name}`;
  return arrayImages(task, source, im.data as Uint8Array, [N, H, W, C as 1 | 3], Int32Array.from(lb.data), numClasses);
}
