import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataError } from './errors';
import { encodeIdxU8, parseIdx } from './idx';

describe('IDX files', () => {
  const images = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 37) % 256);

  it('round-trips u8 images, plain and gzipped', async () => {
    const bytes = encodeIdxU8([3, 4, 5], images);
    // Header as MNIST writes it: 0 0 08 03, then big-endian dims.
    expect([...bytes.subarray(0, 8)]).toEqual([0, 0, 8, 3, 0, 0, 0, 3]);
    for (const b of [bytes, new Uint8Array(gzipSync(bytes))]) {
      const a = await parseIdx(b, 'x-images-idx3-ubyte');
      expect(a.type).toBe('u8');
      expect(a.shape).toEqual([3, 4, 5]);
      expect([...a.data]).toEqual([...images]);
    }
  });

  it('reads big-endian int32 and float32 data', async () => {
    const b = new Uint8Array(4 + 4 + 8);
    const v = new DataView(b.buffer);
    b[2] = 0x0c; b[3] = 1; v.setUint32(4, 2, false);
    v.setInt32(8, -7, false); v.setInt32(12, 65536 + 3, false);
    expect([...(await parseIdx(b, 'i')).data]).toEqual([-7, 65539]);
    b[2] = 0x0d; v.setFloat32(8, 1.5, false); v.setFloat32(12, -0.25, false);
    const f = await parseIdx(b, 'f');
    expect(f.type).toBe('f32');
    expect([...f.data]).toEqual([1.5, -0.25]);
  });

  it('rejects non-IDX, truncated and corrupt gzip files with the file name', async () => {
    const bytes = encodeIdxU8([3, 4, 5], images);
    await expect(parseIdx(new TextEncoder().encode('PK\u0003\u0004zip'), 'a.zip')).rejects.toThrow(/a\.zip: is not an IDX file/);
    await expect(parseIdx(bytes.subarray(0, bytes.length - 1), 'short-idx3-ubyte')).rejects.toThrow(/short-idx3-ubyte: IDX shape \[3,4,5\] of u8 needs 76 bytes but the file has 75/);
    const gz = new Uint8Array(gzipSync(bytes)).subarray(0, 20);
    const err = await parseIdx(gz, 'cut.gz').catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(/^cut\.gz: /);
    const badType = bytes.slice(); badType[2] = 0x42;
    await expect(parseIdx(badType, 't')).rejects.toThrow(/unknown IDX element type 0x42/);
  });
});
