/**
 * The zip central directory of a torch.save file (PyTorch ≥ 1.6 writes an uncompressed zip,
 * ZIP64 for large files): entry names, sizes and where each entry's bytes start, read from the end
 * of the file without reading the file whole. Format: PKWARE APPNOTE.TXT §4.3.
 */
import type { ByteSource } from '../byte-source';
import { PickleError } from './errors';

export interface ZipEntry {
  name: string;
  /** 0 = stored (the only method torch.save uses). */
  method: number;
  size: number;
  compressedSize: number;
  localHeader: number;
}

export interface ZipIndex {
  entries: ReadonlyMap<string, ZipEntry>;
  /** Absolute offset of the entry's first data byte (reads its local header once). */
  dataOffset(entry: ZipEntry): Promise<number>;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Largest central directory read (a checkpoint has a few thousand entries at most). */
const MAX_DIRECTORY = 64 * 1024 * 1024;

export async function readZipIndex(src: ByteSource): Promise<ZipIndex> {
  const fail = (problem: string) => new PickleError(src.name, problem, 'The file is truncated or damaged: download or copy it again.');
  // The end record is the last 22 bytes unless a zip comment follows it (at most 65,535 bytes):
  // look in the last 4 KiB first, then in the longest possible tail.
  let tail: Uint8Array = new Uint8Array(0);
  let tv = new DataView(tail.buffer);
  let at = -1;
  for (const want of [4096, 22 + 65535]) {
    const tailLen = Math.min(src.size, want);
    tail = await src.read(src.size - tailLen, tailLen);
    tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    for (let i = tailLen - 22; i >= 0; i--) if (tv.getUint32(i, true) === EOCD) { at = i; break; }
    if (at >= 0 || tailLen === src.size) break;
  }
  if (at < 0) throw fail('is a zip without its end-of-central-directory record.');
  let count = tv.getUint16(at + 10, true);
  let dirSize = tv.getUint32(at + 12, true);
  let dirOffset = tv.getUint32(at + 16, true);
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    const loc = at - 20;
    if (loc < 0 || tv.getUint32(loc, true) !== ZIP64_LOCATOR) throw fail('is a ZIP64 file without its ZIP64 locator.');
    const recAt = Number(tv.getBigUint64(loc + 8, true));
    if (recAt + 56 > src.size) throw fail('has a ZIP64 record beyond the end of the file.');
    const rec = await src.read(recAt, 56);
    const rv = new DataView(rec.buffer, rec.byteOffset, 56);
    if (rv.getUint32(0, true) !== ZIP64_EOCD) throw fail('has a broken ZIP64 end-of-central-directory record.');
    count = Number(rv.getBigUint64(32, true));
    dirSize = Number(rv.getBigUint64(40, true));
    dirOffset = Number(rv.getBigUint64(48, true));
  }
  if (dirSize > MAX_DIRECTORY || dirOffset + dirSize > src.size) {
    throw fail(`has a central directory of ${dirSize} bytes at byte ${dirOffset}, beyond the ${src.size}-byte file.`);
  }
  const dir = await src.read(dirOffset, dirSize);
  const dv = new DataView(dir.buffer, dir.byteOffset, dir.byteLength);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > dirSize || dv.getUint32(p, true) !== CENTRAL) throw fail(`central directory entry ${n} of ${count} is missing or broken.`);
    const method = dv.getUint16(p + 10, true);
    let compressedSize = dv.getUint32(p + 20, true);
    let size = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    let localHeader = dv.getUint32(p + 42, true);
    if (p + 46 + nameLen + extraLen + commentLen > dirSize) throw fail(`central directory entry ${n} runs past the directory.`);
    const name = new TextDecoder().decode(dir.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extended information: the 64-bit values of the fields that hold 0xffffffff, in order.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = dv.getUint16(e, true);
      const len = dv.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        const next = () => { if (q + 8 > e + 4 + len) throw fail(`entry "${name}" has a short ZIP64 field.`); const v = Number(dv.getBigUint64(q, true)); q += 8; return v; };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeader === 0xffffffff) localHeader = next();
      }
      e += 4 + len;
    }
    if (localHeader + 30 + compressedSize > src.size) throw fail(`entry "${name}" (${compressedSize} bytes at byte ${localHeader}) extends beyond the end of the ${src.size}-byte file.`);
    entries.set(name, { name, method, size, compressedSize, localHeader });
    p = extraEnd + commentLen;
  }
  const offsets = new Map<string, Promise<number>>();
  return {
    entries,
    dataOffset(entry) {
      let o = offsets.get(entry.name);
      if (!o) {
        o = (async () => {
          const h = await src.read(entry.localHeader, 30);
          const hv = new DataView(h.buffer, h.byteOffset, 30);
          if (hv.getUint32(0, true) !== LOCAL) throw fail(`entry "${entry.name}" has no local header at byte ${entry.localHeader}.`);
          const start = entry.localHeader + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
          if (start + entry.compressedSize > src.size) throw fail(`entry "${entry.name}" extends beyond the end of the file.`);
          return start;
        })();
        offsets.set(entry.name, o);
      }
      return o;
    },
  };
}
