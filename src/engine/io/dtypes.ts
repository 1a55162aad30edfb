/** safetensors dtypes, their sizes, and conversion of raw little-endian bytes to JS typed arrays. */

export const DTYPE_BYTES = {
  F64: 8, F32: 4, F16: 2, BF16: 2,
  I64: 8, I32: 4, I16: 2, I8: 1,
  U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
  F8_E4M3: 1, F8_E5M2: 1,
} as const;

export type Dtype = keyof typeof DTYPE_BYTES;
export const FLOAT_DTYPES: readonly Dtype[] = ['F64', 'F32', 'F16', 'BF16'];

export function isDtype(s: unknown): s is Dtype {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_BYTES, s);
}

/** Float kinds widen to float32, bytes stay bytes, other integers become int32 (tfjs's types). */
export type TensorValues = Float32Array | Int32Array | Uint8Array;

/** IEEE half → float32, exact (every half is representable). */
/** IEEE half bits → float32 value, for all 65,536 bit patterns. */
export const F16_TABLE = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 0) t[h] = s * m * 2 ** -24;
    else if (e === 31) t[h] = m ? NaN : s * Infinity;
    else t[h] = s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return t;
})();

/**
 * Converts `count` elements of `dtype` stored little-endian in `bytes` (any alignment) to the JS
 * typed array tfjs uses. Throws RangeError for 64-bit integers outside int32 (caller reports it).
 */
export function decode(dtype: Dtype, bytes: Uint8Array, count: number): TensorValues {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32': {
      if (bytes.byteOffset % 4 === 0) {
        // Bytes that own their whole buffer (a fresh file or Blob read) are wrapped without a copy.
        const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
        return new Float32Array(owned ? bytes.buffer : bytes.slice().buffer, 0, count);
      }
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case 'F64': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = F16_TABLE[view.getUint16(i * 2, true)];
      return out;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32: shift the 16 bits up.
      const out = new Float32Array(count);
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) u[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
    case 'U8':
    case 'BOOL':
      return bytes.slice(0, count);
    case 'I8': { const out = new Int32Array(count); for (let i = 0; i < count; i++) out[i] = view.getInt8(i); return out; }
    case 'I16': { const out = new Int32Array(count); for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true); return out; }
    case 'U16': { const out = new Int32Array(count); for (let i = 0; i < count; i++) out[i] = view.getUint16(i * 2, true); return out; }
    case 'I32': { const out = new Int32Array(count); for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true); return out; }
    case 'U32':
    case 'I64':
    case 'U64': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = dtype === 'U32' ? BigInt(view.getUint32(i * 4, true))
          : dtype === 'I64' ? view.getBigInt64(i * 8, true) : view.getBigUint64(i * 8, true);
        if (v > 2147483647n || v < -2147483648n) throw new RangeError(`value ${v} at index ${i} does not fit in int32`);
        out[i] = Number(v);
      }
      return out;
    }
    case 'F8_E4M3':
    case 'F8_E5M2':
      throw new RangeError(`${dtype} is not supported`);
  }
}

/** Encodes float32/int32/uint8 values as a safetensors dtype (F32, F16, BF16, I32, U8). */
export function encode(dtype: 'F32' | 'F16' | 'BF16' | 'I32' | 'I64' | 'U8', values: TensorValues): Uint8Array {
  const n = values.length;
  switch (dtype) {
    case 'F32': return new Uint8Array(Float32Array.from(values).buffer);
    case 'I32': return new Uint8Array(Int32Array.from(values).buffer);
    case 'U8': return Uint8Array.from(values);
    case 'I64': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt(Math.trunc(values[i]));
      return new Uint8Array(out.buffer);
    }
    case 'BF16': {
      const f = Float32Array.from(values);
      const u = new Uint32Array(f.buffer);
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) {
        const x = u[i];
        // round to nearest even; NaN stays NaN
        out[i] = (x & 0x7fffffff) > 0x7f800000 ? (x >>> 16) | 0x40 : (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
      }
      return new Uint8Array(out.buffer);
    }
    case 'F16': {
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) out[i] = toHalf(values[i]);
      return new Uint8Array(out.buffer);
    }
  }
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** float32 → IEEE half bits, round to nearest even. */
export function toHalf(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++;
  return sign | h;
}
