/**
 * Tensor views on storages: validation (the view must lie inside its storage) and reading a view's
 * elements, contiguous ones as one slice, strided ones (transposes, expands, offsets) gathered into
 * a fresh row-major array.
 */
import { DTYPE_BYTES, type Dtype, type TensorValues, decode } from '../dtypes';
import { PickleError } from './errors';
import type { PyTensor } from './values';

/** Largest view that repeats storage elements (an expanded tensor) that is materialised. */
const MAX_EXPANDED = 1 << 24;

export const numelOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Largest element index the view touches, relative to its offset (−1 for an empty view). */
export function span(t: PyTensor): number {
  if (t.shape.some((d) => d === 0)) return -1;
  return t.shape.reduce((a, d, i) => a + (d - 1) * t.stride[i], 0);
}

export function isContiguous(t: PyTensor): boolean {
  let expect = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    if (t.shape[i] !== 1 && t.stride[i] !== expect) return false;
    expect *= t.shape[i];
  }
  return true;
}

/** Throws unless every element of the view is inside a storage of `storageNumel` elements. */
export function checkView(file: string, name: string, t: PyTensor, storageNumel: number): void {
  const n = numelOf(t.shape);
  if (!Number.isSafeInteger(n) || n > 2 ** 31) throw new PickleError(file, `tensor "${name}" has an impossible shape [${t.shape.join(', ')}].`);
  if (n > storageNumel && n > MAX_EXPANDED) {
    throw new PickleError(file, `tensor "${name}" repeats the ${storageNumel} elements of its storage (stride 0) into ${n}; mergelab does not materialise such views.`);
  }
  const last = t.offset + span(t);
  if (n > 0 && last >= storageNumel) {
    throw new PickleError(file, `tensor "${name}" (shape [${t.shape.join(', ')}], offset ${t.offset}, stride [${t.stride.join(', ')}]) reaches element ${last} of a storage that holds ${storageNumel}.`,
      'The file is truncated or corrupt: download or copy it again.');
  }
}

/** Elements of the view, row-major, from the storage bytes [offset, offset + span] already read. */
export function gather(t: PyTensor, dtype: Dtype, bytes: Uint8Array): TensorValues {
  const n = numelOf(t.shape);
  const count = span(t) + 1;
  const src = decode(dtype, bytes, Math.max(count, 0));
  if (isContiguous(t)) return src.length === n ? src : src.slice(0, n);
  const out = new (src.constructor as { new(n: number): TensorValues })(n);
  const dims = t.shape.length;
  const idx = new Array<number>(dims).fill(0);
  let at = 0;
  for (let i = 0; i < n; i++) {
    out[i] = src[at];
    for (let d = dims - 1; d >= 0; d--) {
      if (++idx[d] < t.shape[d]) { at += t.stride[d]; break; }
      at -= (t.shape[d] - 1) * t.stride[d];
      idx[d] = 0;
    }
  }
  return out;
}

export const elementBytes = (dtype: Dtype) => DTYPE_BYTES[dtype];
