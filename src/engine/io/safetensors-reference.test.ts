/**
 * The writer's files against the rules of the reference implementation (Hugging Face's
 * `safetensors` crate, which Python's `safetensors.safe_open`/`load_file` use): checked here by an
 * independent parser, not by our reader, so a writer bug cannot hide behind a matching reader bug.
 * Rules (safetensors/src/tensor.rs, `SafeTensors::read_metadata` + `Metadata::validate`): an 8-byte
 * little-endian header length N ≤ 100,000,000; the header is UTF-8 JSON starting with '{'; the
 * `__metadata__` entry maps strings to strings; every tensor's byte span equals numel × dtype size;
 * sorted by start offset the spans are contiguous from 0 (no gap, no overlap), and the last one ends
 * exactly at the end of the file.
 */
import { describe, expect, it } from 'vitest';
import { memorySink, writeSafetensors, type TensorSpec } from './safetensors';

const SIZE = { F32: 4, F16: 2, BF16: 2, I32: 4, I64: 8, U8: 1 } as const;
const MAX_HEADER = 100_000_000;

/** Throws the reference reader's complaint, or returns the parsed header. */
function referenceValidate(bytes: Uint8Array): Record<string, { dtype: keyof typeof SIZE; shape: number[]; data_offsets: [number, number] }> {
  if (bytes.length < 8) throw new Error('HeaderTooSmall');
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  if (n > MAX_HEADER) throw new Error('HeaderTooLarge');
  if (8 + n > bytes.length) throw new Error('InvalidHeaderLength');
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  if (!text.startsWith('{')) throw new Error('InvalidHeaderStart');
  const header = JSON.parse(text);
  const meta = header.__metadata__;
  if (meta !== undefined && !Object.values(meta).every((v) => typeof v === 'string')) throw new Error('InvalidMetadata');
  delete header.__metadata__;
  const spans = Object.entries<{ dtype: keyof typeof SIZE; shape: number[]; data_offsets: [number, number] }>(header)
    .sort(([, a], [, b]) => a.data_offsets[0] - b.data_offsets[0] || a.data_offsets[1] - b.data_offsets[1]);
  let end = 0;
  for (const [name, t] of spans) {
    const [s, e] = t.data_offsets;
    if (s !== end || e < s) throw new Error(`InvalidOffset(${name})`);
    const numel = t.shape.reduce((a, d) => a * d, 1);
    if (e - s !== numel * SIZE[t.dtype]) throw new Error(`TensorInvalidInfo(${name})`);
    end = e;
  }
  if (8 + n + end !== bytes.length) throw new Error('MetadataIncompleteBuffer');
  return header;
}

describe('safetensors writer vs the reference reader rules', () => {
  it('writes files the reference reader accepts: every dtype, empty and scalar tensors, metadata', async () => {
    const specs: TensorSpec[] = [
      { name: 'vision_model.a.weight', dtype: 'F32', shape: [3, 5] },
      { name: 'half', dtype: 'F16', shape: [7] },
      { name: 'brain', dtype: 'BF16', shape: [1, 3] },
      { name: 'labels', dtype: 'I32', shape: [4] },
      { name: 'big_ints', dtype: 'I64', shape: [2] },
      { name: 'images', dtype: 'U8', shape: [2, 2, 3] },
      { name: 'empty', dtype: 'F32', shape: [0, 4] },
      { name: 'scalar', dtype: 'F32', shape: [] },
    ];
    const sink = memorySink();
    await writeSafetensors(sink, specs, (s) => new Float32Array(s.shape.reduce((a, d) => a * d, 1)).map((_, i) => i % 7), { method: 'ties', 'inputs': '["a","b"]' });
    const bytes = sink.bytes();
    const header = referenceValidate(bytes);
    expect(Object.keys(header).sort()).toEqual(specs.map((s) => s.name).sort());
    for (const s of specs) expect(header[s.name]).toMatchObject({ dtype: s.dtype, shape: s.shape });
    // The values sit where the offsets say: I32 "labels" = 0,1,2,3 little-endian.
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const [s0] = header.labels.data_offsets;
    expect(Array.from(new Int32Array(bytes.slice(8 + n + s0, 8 + n + s0 + 16).buffer))).toEqual([0, 1, 2, 3]);
  });

  it('the independent checker itself rejects what the reference rejects (gap, short buffer, bad span)', () => {
    const file = (header: object, dataBytes: number) => {
      const json = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(8 + json.length + dataBytes);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      return out;
    };
    expect(() => referenceValidate(file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8))).toThrow(/InvalidOffset/);
    expect(() => referenceValidate(file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 8))).toThrow(/IncompleteBuffer/);
    expect(() => referenceValidate(file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, 4))).toThrow(/TensorInvalidInfo/);
    expect(() => referenceValidate(file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 4))).not.toThrow();
  });
});
