/**
 * A minimal Parquet writer for tests: the layout Hugging Face `datasets` writes for an image
 * classification split — an optional `image` struct {bytes: BYTE_ARRAY, path: STRING} and an
 * optional integer `label` — as data pages v1 with PLAIN values and RLE definition levels, one
 * page per column chunk, row groups as given, the `huggingface` key-value metadata when given.
 * Each page body goes through the `compress` function of its codec, so tests choose the codec
 * (and can corrupt a page). Thrift compact protocol for the page headers and the footer.
 * Format: https://github.com/apache/parquet-format (parquet.thrift).
 */

export interface ParquetRow {
  /** Image bytes; null writes a null struct field (or a null image when `imageNull`). */
  image?: { bytes: Uint8Array | null; path: string | null } | null;
  label?: number | null;
}

export type Codec = 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'LZO' | 'BROTLI' | 'LZ4' | 'ZSTD' | 'LZ4_RAW';
const CODEC_ID: Record<Codec, number> = { UNCOMPRESSED: 0, SNAPPY: 1, GZIP: 2, LZO: 3, BROTLI: 4, LZ4: 5, ZSTD: 6, LZ4_RAW: 7 };

export interface WriteOptions {
  rowGroups: ParquetRow[][];
  codec?: Codec;
  /** Compresses one page body for `codec` (default: identity, right for UNCOMPRESSED). */
  compress?: (page: Uint8Array) => Uint8Array;
  /** Name of the label column; null leaves it out. */
  labelColumn?: string | null;
  labelType?: 'INT32' | 'INT64';
  /** Name of the image column; null leaves it out. */
  imageColumn?: string | null;
  /** The `huggingface` key-value metadata (JSON), e.g. {info: {features: {label: {names}}}}. */
  huggingface?: unknown;
}

// ---- thrift compact protocol ----
const T = { TRUE: 1, FALSE: 2, I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;
type Field = [id: number, type: number, value: unknown];

class Out {
  bytes: number[] = [];
  byte(b: number) { this.bytes.push(b & 0xff); }
  varint(n: bigint) {
    let v = n;
    while (v >= 0x80n) { this.byte(Number(v & 0x7fn) | 0x80); v >>= 7n; }
    this.byte(Number(v));
  }
  zigzag(n: number | bigint) { const v = BigInt(n); this.varint(v >= 0n ? v << 1n : ((-v) << 1n) - 1n); }
  binary(b: Uint8Array | string) {
    const u = typeof b === 'string' ? new TextEncoder().encode(b) : b;
    this.varint(BigInt(u.length));
    for (const x of u) this.byte(x);
  }
  value(type: number, v: unknown) {
    if (type === T.I32 || type === T.I64) this.zigzag(v as number);
    else if (type === T.BINARY) this.binary(v as string);
    else if (type === T.STRUCT) this.struct(v as Field[]);
    else if (type === T.LIST) {
      const [elem, items] = v as [number, unknown[]];
      if (items.length < 15) this.byte((items.length << 4) | elem);
      else { this.byte(0xf0 | elem); this.varint(BigInt(items.length)); }
      for (const it of items) this.value(elem, it);
    }
  }
  struct(fields: Field[]) {
    let last = 0;
    for (const [id, type, v] of fields) {
      if (v === undefined) continue;
      const t = type === T.TRUE ? (v ? T.TRUE : T.FALSE) : type;
      if (id - last > 0 && id - last <= 15) this.byte(((id - last) << 4) | t);
      else { this.byte(t); this.zigzag(id); }
      last = id;
      if (type !== T.TRUE) this.value(type, v);
    }
    this.byte(0);
  }
}

const thrift = (fields: Field[]) => { const o = new Out(); o.struct(fields); return Uint8Array.from(o.bytes); };

// ---- pages ----
/** Definition levels, RLE/bit-packed hybrid with one RLE run per value, behind a 4-byte length. */
function levels(values: number[], maxLevel: number): number[] {
  const o = new Out();
  const width = Math.ceil(Math.log2(maxLevel + 1));
  for (const v of values) { o.varint(2n); for (let b = 0; b < Math.ceil(width / 8); b++) o.byte(v >> (8 * b)); }
  const n = o.bytes.length;
  return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24, ...o.bytes];
}

interface Leaf { path: string[]; type: 'BYTE_ARRAY' | 'INT32' | 'INT64'; maxDef: number; get(r: ParquetRow): { def: number; value?: Uint8Array | number } }

function pageBody(leaf: Leaf, rows: ParquetRow[]): Uint8Array {
  const defs: number[] = [];
  const vals: number[] = [];
  for (const r of rows) {
    const { def, value } = leaf.get(r);
    defs.push(def);
    if (def < leaf.maxDef) continue;
    if (leaf.type === 'BYTE_ARRAY') {
      const b = value as Uint8Array;
      vals.push(b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff, b.length >>> 24, ...b);
    } else {
      let v = BigInt(value as number);
      for (let i = 0; i < (leaf.type === 'INT32' ? 4 : 8); i++) { vals.push(Number(v & 0xffn)); v >>= 8n; }
    }
  }
  return Uint8Array.from([...levels(defs, leaf.maxDef), ...vals]);
}

/** The bytes of a Parquet file holding `rowGroups`. */
export function writeParquet(opts: WriteOptions): Uint8Array {
  const codec = opts.codec ?? 'UNCOMPRESSED';
  const compress = opts.compress ?? ((b: Uint8Array) => b);
  const img = opts.imageColumn === undefined ? 'image' : opts.imageColumn;
  const lab = opts.labelColumn === undefined ? 'label' : opts.labelColumn;
  const labelType = opts.labelType ?? 'INT64';
  const enc = new TextEncoder();

  const schema: Field[][] = [];
  const leaves: Leaf[] = [];
  const top = (img ? 1 : 0) + (lab ? 1 : 0);
  schema.push([[4, T.BINARY, 'schema'], [5, T.I32, top]]);
  if (img) {
    schema.push([[3, T.I32, 1], [4, T.BINARY, img], [5, T.I32, 2]]);
    schema.push([[1, T.I32, 6], [3, T.I32, 1], [4, T.BINARY, 'bytes']]);
    schema.push([[1, T.I32, 6], [3, T.I32, 1], [4, T.BINARY, 'path'], [6, T.I32, 0]]);
    const field = (k: 'bytes' | 'path') => (r: ParquetRow) => {
      if (!r.image) return { def: 0 };
      const v = r.image[k];
      return v === null ? { def: 1 } : { def: 2, value: typeof v === 'string' ? enc.encode(v) : v };
    };
    leaves.push({ path: [img, 'bytes'], type: 'BYTE_ARRAY', maxDef: 2, get: field('bytes') });
    leaves.push({ path: [img, 'path'], type: 'BYTE_ARRAY', maxDef: 2, get: field('path') });
  }
  if (lab) {
    schema.push([[1, T.I32, labelType === 'INT32' ? 1 : 2], [3, T.I32, 1], [4, T.BINARY, lab]]);
    leaves.push({ path: [lab], type: labelType, maxDef: 1, get: (r) => (r.label === null || r.label === undefined ? { def: 0 } : { def: 1, value: r.label }) });
  }

  const file: number[] = [...enc.encode('PAR1')];
  const groups: Field[][] = [];
  let numRows = 0;
  for (const rows of opts.rowGroups) {
    const chunks: Field[][] = [];
    let groupBytes = 0;
    for (const leaf of leaves) {
      const body = pageBody(leaf, rows);
      const packed = compress(body);
      const header = thrift([
        [1, T.I32, 0], [2, T.I32, body.length], [3, T.I32, packed.length],
        [5, T.STRUCT, [[1, T.I32, rows.length], [2, T.I32, 0], [3, T.I32, 3], [4, T.I32, 3]]],
      ]);
      const offset = file.length;
      for (const b of header) file.push(b);
      for (const b of packed) file.push(b);
      const total = header.length + packed.length;
      groupBytes += total;
      chunks.push([
        [2, T.I64, offset],
        [3, T.STRUCT, [
          [1, T.I32, leaf.type === 'BYTE_ARRAY' ? 6 : leaf.type === 'INT32' ? 1 : 2],
          [2, T.LIST, [T.I32, [0, 3]]],
          [3, T.LIST, [T.BINARY, leaf.path]],
          [4, T.I32, CODEC_ID[codec]],
          [5, T.I64, rows.length],
          [6, T.I64, header.length + body.length],
          [7, T.I64, total],
          [9, T.I64, offset],
        ]],
      ]);
    }
    groups.push([[1, T.LIST, [T.STRUCT, chunks]], [2, T.I64, groupBytes], [3, T.I64, rows.length]]);
    numRows += rows.length;
  }
  const kv = opts.huggingface === undefined ? undefined : [T.STRUCT, [[[1, T.BINARY, 'huggingface'], [2, T.BINARY, JSON.stringify(opts.huggingface)]]]];
  const footer = thrift([
    [1, T.I32, 2],
    [2, T.LIST, [T.STRUCT, schema]],
    [3, T.I64, numRows],
    [4, T.LIST, [T.STRUCT, groups]],
    [5, T.LIST, kv],
    [6, T.BINARY, 'mergelab test writer'],
  ]);
  for (const b of footer) file.push(b);
  const n = footer.length;
  file.push(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24, ...enc.encode('PAR1'));
  return Uint8Array.from(file);
}

// ---- stored (literal) frames of the codecs without a compressor in Node 20 ----

/** A valid Snappy stream of literal elements only (the format allows it; no compression). */
export function snappyLiterals(data: Uint8Array): Uint8Array {
  const o = new Out();
  o.varint(BigInt(data.length));
  for (let i = 0; i < data.length; i += 60) {
    const n = Math.min(60, data.length - i);
    o.byte((n - 1) << 2);
    for (let k = 0; k < n; k++) o.byte(data[i + k]);
  }
  return Uint8Array.from(o.bytes);
}

/** A valid Zstandard frame of raw (stored) blocks, content size in the header (RFC 8878 §3.1). */
export function zstdRaw(data: Uint8Array): Uint8Array {
  const out: number[] = [0x28, 0xb5, 0x2f, 0xfd];
  // Frame header: single segment, 4-byte content size (FCS flag 2).
  out.push(0xa0);
  out.push(data.length & 0xff, (data.length >> 8) & 0xff, (data.length >> 16) & 0xff, data.length >>> 24);
  const MAX = 128 * 1024 - 1;
  let i = 0;
  do {
    const n = Math.min(MAX, data.length - i);
    const last = i + n >= data.length ? 1 : 0;
    const h = (n << 3) | last; // block type 0 = raw
    out.push(h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff);
    for (let k = 0; k < n; k++) out.push(data[i + k]);
    i += n;
  } while (i < data.length);
  return Uint8Array.from(out);
}
