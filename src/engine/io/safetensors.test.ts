import { describe, expect, it } from 'vitest';
import { memorySource } from './byte-source';
import { encodeHeader, memorySink, openSafetensors, writeSafetensors } from './safetensors';
import { fixturePath, loadFixtureTensors } from '../testing/fixtures.node';
import { nodeFileSource } from './node-source.node';
import { SafetensorsError } from '../errors';

describe('safetensors reader', () => {
  it('reads the F32 fixture lazily with its metadata', async () => {
    const store = await openSafetensors(await nodeFileSource(fixturePath('tiny-a', 'model.safetensors')));
    expect(store.tensors.size).toBe(40);
    expect(store.metadata.seed).toBe('1001');
    const t = await store.read('vision_model.embeddings.patch_embedding.weight');
    expect(t.shape).toEqual([64, 3, 8, 8]);
    expect(t.values).toBeInstanceOf(Float32Array);
    expect(t.values.length).toBe(64 * 3 * 8 * 8);
  });

  it('widens F16 to float32 and keeps U8 as bytes', async () => {
    const m = await loadFixtureTensors('tiny-b', 'model.safetensors');
    const w = m.get('vision_model.embeddings.class_embedding')!;
    expect(w.dtype).toBe('F16');
    expect(w.values).toBeInstanceOf(Float32Array);
    expect(Array.from(w.values).every(Number.isFinite)).toBe(true);
    const inp = await loadFixtureTensors('tiny-b', 'inputs.safetensors');
    expect(inp.get('images_uint8')!.values).toBeInstanceOf(Uint8Array);
  });

  it('round-trips through the streaming writer in every float dtype', async () => {
    const values = Float32Array.from([0, 1, -2.5, 65504, 1e-3, -0.1, 3.140625, 1 / 3]);
    for (const dtype of ['F32', 'F16', 'BF16'] as const) {
      const sink = memorySink();
      await writeSafetensors(sink, [{ name: 'x', dtype, shape: [2, 4] }], () => values, { method: 'test' });
      const bytes = sink.bytes();
      const store = await openSafetensors(memorySource(bytes, 'x.safetensors'));
      expect(store.metadata).toEqual({ method: 'test' });
      const back = (await store.read('x')).values as Float32Array;
      const tol = dtype === 'F32' ? 0 : dtype === 'F16' ? 1e-3 : 1e-2;
      values.forEach((v, i) => expect(Math.abs(back[i] - v)).toBeLessThanOrEqual(Math.abs(v) * tol));
      // header length is a multiple of 8 (what the Python writer produces)
      expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
    }
  });

  const bad = (header: object | string, dataBytes = 0) => {
    const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
    const out = new Uint8Array(8 + json.length + dataBytes);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    return memorySource(out, 'bad.safetensors');
  };
  const rejects = async (src: ReturnType<typeof bad>, pattern: RegExp) => {
    const err = await openSafetensors(src).then(() => null, (e) => e);
    expect(err).toBeInstanceOf(SafetensorsError);
    expect(String(err.message)).toMatch(pattern);
    expect(err.message).toContain('bad.safetensors');
  };

  it('rejects malformed headers with a message naming the file and the problem', async () => {
    await rejects(memorySource(new Uint8Array(4), 'bad.safetensors'), /too small/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 1n << 40n, true);
    await rejects(memorySource(huge, 'bad.safetensors'), /header length/);
    await rejects(bad('{"a": nope'), /not valid UTF-8 JSON/);
    await rejects(bad('[1,2]'), /not a JSON object/);
    await rejects(bad({ a: { dtype: 'Q7', shape: [1], data_offsets: [0, 4] } }, 4), /unknown dtype/);
    await rejects(bad({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4), /invalid shape/);
    await rejects(bad({ a: { dtype: 'F32', shape: [2], data_offsets: [4, 0] } }, 8), /invalid data_offsets/);
    await rejects(bad({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 8), /truncated/);
    await rejects(bad({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8), /needs 12 bytes/);
    await rejects(bad({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12), /overlap/);
    await rejects(bad({ __metadata__: { a: 1 } }), /__metadata__/);
  });

  it('refuses duplicate names when writing', () => {
    expect(() => encodeHeader([{ name: 'a', dtype: 'F32', shape: [1] }, { name: 'a', dtype: 'F32', shape: [1] }])).toThrow(/twice/);
  });
});
