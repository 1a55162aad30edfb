/**
 * A Hugging Face image-classification split stored as Parquet (one file, or shards read in name
 * order): an image column — the struct {bytes, path} `datasets` writes for an `Image` feature —
 * and an integer label column; class names from the `huggingface` key-value metadata (the
 * `ClassLabel` names at info.features.<label>.names) when the file has it.
 *
 * Lazy: opening reads each file's footer only; `labels()` reads the label column chunks alone;
 * `imageBytes(start, n)` reads the image column of the row groups that hold those rows, one row
 * group at a time, keeping only the last one (consecutive batches in one row group read it once;
 * `datasets` writes image splits in row groups of 100 rows). Pages may be uncompressed, snappy,
 * gzip, zstd, brotli or lz4 (hyparquet-compressors). Every failure is a DataError naming the file,
 * the rows and what to do.
 */
import { parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { MergelabError } from '../../errors';
import type { ByteSource } from '../../io/byte-source';
import { DataError } from '../errors';
import { asyncBufferOf } from './async-buffer';

export interface ParquetSplit {
  /** The split for messages, e.g. "data/sun397 (test, 2 parquet files)". */
  readonly source: string;
  readonly files: readonly string[];
  readonly count: number;
  readonly imageColumn: string;
  readonly labelColumn: string;
  /** ClassLabel names from the `huggingface` metadata; null when the files carry none. */
  readonly classNames: string[] | null;
  readonly notes: readonly string[];
  /** Label per row, in file then row order. */
  labels(): Promise<Int32Array>;
  /** Encoded image bytes (PNG/JPEG) of rows [start, start + n), with the file and row in it for messages. */
  imageBytes(start: number, n: number): Promise<{ bytes: Uint8Array; file: string; row: number }[]>;
}

export interface ParquetSplitOptions {
  /** Column names to use instead of the detected ones. */
  imageColumn?: string;
  labelColumn?: string;
}

/** Bytes read from the end of a file to find its footer (a longer footer costs one more read). */
const FOOTER_FETCH = 2 ** 16;

interface Opened { src: ByteSource; buf: AsyncBuffer; meta: FileMetaData; rows: number }
interface Group { file: number; index: number; fileStart: number; rows: number; start: number }

const REDOWNLOAD = 'The file looks damaged or incomplete: download it again (or re-save the split with datasets\' to_parquet).';
const COLUMNS_HINT = 'Use a Hugging Face image-classification split: an "image" column (struct of bytes and path, as datasets writes an Image feature) and an integer "label" column.';
const CODEC_HINT = 'Re-save the split with snappy, zstd or gzip compression (pyarrow.parquet.write_table(table, path, compression="zstd")), or use the parquet files the Hub serves.';

/** Turns anything hyparquet throws into a DataError naming the file and the rows. */
function readError(file: string, where: string, e: unknown): MergelabError {
  if (e instanceof MergelabError) return e;
  const msg = String((e as Error)?.message ?? e).slice(0, 200);
  const codec = /unsupported compression codec: (\w+)/.exec(msg);
  if (codec) return new DataError(file, `${where}: its pages use the ${codec[1]} compression codec, which cannot be read here.`, CODEC_HINT);
  return new DataError(file, `${where} could not be read (${msg}).`, REDOWNLOAD);
}

interface Features { [name: string]: { _type?: string; names?: unknown } }

function hfFeatures(meta: FileMetaData): Features | null {
  const kv = meta.key_value_metadata?.find((k) => k.key === 'huggingface');
  if (!kv?.value) return null;
  try {
    const info = (JSON.parse(kv.value) as { info?: { features?: unknown } }).info;
    const f = info?.features;
    return f && typeof f === 'object' && !Array.isArray(f) ? (f as Features) : null;
  } catch {
    return null;
  }
}

/** Picks the image and label columns of one file; throws a DataError listing its columns when one is missing. */
function columnsOf(name: string, meta: FileMetaData, features: Features | null, opts: ParquetSplitOptions): { image: string; label: string } {
  const tree = parquetSchema(meta);
  const cols = new Map(tree.children.map((c) => [c.element.name, c]));
  const isImage = (n: string) => {
    const c = cols.get(n);
    if (!c) return false;
    if (c.children.length) return c.children.some((k) => k.element.name === 'bytes' && k.element.type === 'BYTE_ARRAY');
    return c.element.type === 'BYTE_ARRAY';
  };
  const isLabel = (n: string) => {
    const t = cols.get(n)?.element;
    return !!t && !cols.get(n)!.children.length && (t.type === 'INT32' || t.type === 'INT64');
  };
  const ofType = (type: string) => Object.keys(features ?? {}).filter((k) => features![k]?._type === type);
  const listing = [...cols.keys()].map((c) => `"${c}"`).join(', ') || 'none';

  const image = opts.imageColumn ?? ['image', 'img', ...ofType('Image')].find(isImage)
    ?? tree.children.find((c) => c.children.some((k) => k.element.name === 'bytes'))?.element.name;
  if (!image || !isImage(image)) {
    throw new DataError(name, `has no image column${opts.imageColumn ? ` "${opts.imageColumn}"` : ''} (a struct with image bytes); its columns are ${listing}.`, COLUMNS_HINT);
  }
  const classLabels = ofType('ClassLabel');
  const label = opts.labelColumn ?? ['label', 'labels', 'fine_label', ...(classLabels.length === 1 ? classLabels : [])].find(isLabel);
  if (!label || !isLabel(label)) {
    throw new DataError(name, `has no integer label column${opts.labelColumn ? ` "${opts.labelColumn}"` : ''}; its columns are ${listing}.`, COLUMNS_HINT);
  }
  return { image, label };
}

function classNamesOf(features: Features | null, label: string): string[] | null {
  const names = features?.[label]?.names;
  return Array.isArray(names) && names.length && names.every((n) => typeof n === 'string') ? (names as string[]) : null;
}

/** Opens a split from its parquet files, already in read order (see files.ts). `name` is for messages. */
export async function openParquetSplit(name: string, sources: readonly ByteSource[], opts: ParquetSplitOptions = {}): Promise<ParquetSplit> {
  if (!sources.length) throw new DataError(name, 'has no parquet files.', COLUMNS_HINT);
  const opened: Opened[] = [];
  for (const src of sources) {
    const buf = asyncBufferOf(src);
    let meta: FileMetaData;
    try {
      meta = await parquetMetadataAsync(buf, { initialFetchSize: FOOTER_FETCH });
    } catch (e) {
      throw new DataError(src.name, `is not a readable Parquet file (${String((e as Error)?.message ?? e).slice(0, 160)}).`, REDOWNLOAD);
    }
    opened.push({ src, buf, meta, rows: Number(meta.num_rows) });
  }
  const notes: string[] = [];
  const features = opened.map((o) => hfFeatures(o.meta));
  const { image, label } = columnsOf(opened[0].src.name, opened[0].meta, features[0], opts);
  // Every shard must have the columns the first one has.
  for (let i = 1; i < opened.length; i++) columnsOf(opened[i].src.name, opened[i].meta, features[i], { imageColumn: image, labelColumn: label });
  const classNames = classNamesOf(features[0], label);
  for (let i = 1; i < opened.length; i++) {
    const other = classNamesOf(features[i], label);
    if (other && classNames && other.join('\u0000') !== classNames.join('\u0000')) {
      throw new DataError(opened[i].src.name, `names other classes than ${opened[0].src.name} (${other.length} vs ${classNames.length}).`, 'All shards of a split must come from the same dataset: download them together.');
    }
  }
  if (!classNames) notes.push(`${name}: the parquet files carry no class names (no "huggingface" ClassLabel metadata); the task's classes must be listed in manifest.json.`);

  const groups: Group[] = [];
  let count = 0;
  opened.forEach((o, file) => {
    let fileStart = 0;
    o.meta.row_groups.forEach((g, index) => {
      const rows = Number(g.num_rows);
      groups.push({ file, index, fileStart, rows, start: count });
      fileStart += rows;
      count += rows;
    });
  });

  let cached: { group: Group; images: ({ bytes?: unknown; path?: unknown } | Uint8Array | null)[] } | null = null;
  const readGroup = async (g: Group) => {
    if (cached?.group === g) return cached.images;
    const o = opened[g.file];
    const where = `rows ${g.fileStart}–${g.fileStart + g.rows - 1} (row group ${g.index})`;
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file: o.buf, metadata: o.meta, columns: [image], rowStart: g.fileStart, rowEnd: g.fileStart + g.rows, compressors, utf8: false });
    } catch (e) {
      throw readError(o.src.name, where, e);
    }
    if (rows.length !== g.rows) throw new DataError(o.src.name, `${where}: ${rows.length} rows read, the footer says ${g.rows}.`, REDOWNLOAD);
    cached = { group: g, images: rows.map((r) => r[image] as never) };
    return cached.images;
  };

  const split: ParquetSplit = {
    source: `${name} (${opened.length} parquet file${opened.length === 1 ? '' : 's'})`,
    files: opened.map((o) => o.src.name),
    count,
    imageColumn: image,
    labelColumn: label,
    classNames,
    notes,
    async labels() {
      const out = new Int32Array(count);
      let at = 0;
      for (const o of opened) {
        let rows: Record<string, unknown>[];
        try {
          rows = await parquetReadObjects({ file: o.buf, metadata: o.meta, columns: [label], compressors, utf8: false });
        } catch (e) {
          throw readError(o.src.name, `the "${label}" column`, e);
        }
        if (rows.length !== o.rows) throw new DataError(o.src.name, `the "${label}" column has ${rows.length} values, the footer says ${o.rows} rows.`, REDOWNLOAD);
        rows.forEach((r, i) => {
          const v = r[label];
          const y = typeof v === 'bigint' ? Number(v) : v;
          if (typeof y !== 'number' || !Number.isInteger(y) || y < 0 || y > 0x7fffffff) {
            throw new DataError(o.src.name, `row ${i}: label ${v === null || v === undefined ? 'is missing' : String(v)} is not a class index.`, 'Every row needs an integer label from 0 to C−1; remove unlabelled rows (a test split from the Hub has them all).');
          }
          out[at++] = y;
        });
      }
      return out;
    },
    async imageBytes(start, n) {
      if (!(Number.isInteger(start) && Number.isInteger(n) && start >= 0 && n >= 0 && start + n <= count)) {
        throw new RangeError(`${name}: rows [${start}, ${start + n}) requested, it has ${count}`);
      }
      const out: { bytes: Uint8Array; file: string; row: number }[] = [];
      for (const g of groups) {
        if (g.start + g.rows <= start || g.start >= start + n) continue;
        const images = await readGroup(g);
        const file = opened[g.file].src.name;
        for (let k = Math.max(start, g.start); k < Math.min(start + n, g.start + g.rows); k++) {
          const row = g.fileStart + (k - g.start);
          const v = images[k - g.start];
          const bytes = v instanceof Uint8Array ? v : v && (v as { bytes?: unknown }).bytes;
          if (!(bytes instanceof Uint8Array) || !bytes.length) {
            const path = v && !(v instanceof Uint8Array) && typeof v.path === 'string' ? ` (only the path "${v.path.slice(0, 80)}")` : '';
            throw new DataError(file, `row ${row}: the image has no bytes${path}.`, 'The images must be stored in the file: save the split with datasets (to_parquet embeds image bytes), or use the parquet files the Hub serves.');
          }
          out.push({ bytes, file, row });
        }
      }
      return out;
    },
  };
  return split;
}
