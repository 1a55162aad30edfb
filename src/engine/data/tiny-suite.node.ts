/**
 * Test support (Node only): writes a tiny suite folder from the golden fixtures — tiny-a as the
 * pretrained model, merge/task-0..3 as experts — with seeded unit-norm heads and synthetic images
 * stored as safetensors, an ImageFolder of PNGs, or gzipped IDX files.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import { type TensorSpec, type WriteDtype, encodeHeader, numel } from '../io/safetensors';
import { encode } from '../io/dtypes';
import { createRng } from '../random';
import { encodeIdxU8 } from './idx';

/** e2e/fixtures (resolved here rather than via testing/fixtures.node so tsx scripts can use this file). */
const FIXTURES = fileURLToPath(new URL('../../../e2e/fixtures/', import.meta.url));

export type DataForm = 'safetensors' | 'imagefolder' | 'idx';

export interface TinyTask {
  name: string;
  classes: string[];
  /** Fixture folder of the expert, e.g. "merge/task-0". */
  expert: string;
  /** [N, H, W, C] u8 pixels (C = 1 for IDX, 3 otherwise). */
  images: Uint8Array;
  shape: [number, number, number, number];
  labels: Int32Array;
  form: DataForm;
}

/** Writes a safetensors file from plain arrays (small files only). */
export async function writeTensors(path: string, tensors: Record<string, { dtype: WriteDtype; shape: number[]; values: Float32Array | Int32Array | Uint8Array }>): Promise<void> {
  const specs: TensorSpec[] = Object.entries(tensors).map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape }));
  const parts = [encodeHeader(specs), ...specs.map((s) => encode(s.dtype, tensors[s.name].values))];
  for (const s of specs) if (numel(s.shape) !== tensors[s.name].values.length) throw new RangeError(`${s.name}: shape/values mismatch`);
  await writeFile(path, Buffer.concat(parts));
}

/** Seeded random unit-norm head [C, P]. */
export function randomHead(C: number, P: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const h = Float32Array.from({ length: C * P }, () => rng.normal());
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let p = 0; p < P; p++) s += h[c * P + p] ** 2;
    for (let p = 0; p < P; p++) h[c * P + p] /= Math.sqrt(s);
  }
  return h;
}

/** Seeded random u8 images [N, H, W, C] with smooth structure (not pure noise). */
export function randomImages(N: number, H: number, W: number, C: number, seed: number): Uint8Array {
  const rng = createRng(seed);
  const out = new Uint8Array(N * H * W * C);
  for (let n = 0; n < N; n++) {
    const f = Array.from({ length: C }, () => [rng.next() * 0.6, rng.next() * 0.6, rng.next() * 6]);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) {
      const [a, b, ph] = f[c];
      out[((n * H + y) * W + x) * C + c] = Math.round(127.5 + 120 * Math.sin(a * x + b * y + ph) * (0.7 + 0.3 * rng.next()));
    }
  }
  return out;
}

export interface TinySuiteOptions {
  heads: Record<string, Float32Array>;
  logitScale?: number;
}

/** Writes manifest.json, models/, heads.safetensors and data/ for `tasks` under `dir`. */
export async function writeTinySuite(dir: string, tasks: TinyTask[], opts: TinySuiteOptions): Promise<void> {
  const model = async (name: string, fixture: string) => {
    await mkdir(join(dir, 'models', name), { recursive: true });
    for (const f of ['config.json', 'model.safetensors']) await copyFile(join(FIXTURES, fixture, f), join(dir, 'models', name, f));
  };
  await model('pretrained', 'tiny-a');
  for (const t of tasks) await model(t.name, t.expert);
  const manifest = {
    name: 'tiny', image_size: 32,
    tasks: tasks.map((t) => ({ name: t.name, classes: t.classes })),
    pretrained: 'models/pretrained',
    experts: Object.fromEntries(tasks.map((t) => [t.name, `models/${t.name}`])),
    heads: 'heads.safetensors',
    logit_scale: opts.logitScale ?? 100,
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  await writeTensors(join(dir, 'heads.safetensors'), Object.fromEntries(tasks.map((t) => [t.name, { dtype: 'F32', shape: [t.classes.length, opts.heads[t.name].length / t.classes.length], values: opts.heads[t.name] }])));
  for (const t of tasks) {
    const data = join(dir, 'data', t.name);
    await mkdir(data, { recursive: true });
    const [N, H, W, C] = t.shape;
    if (t.form === 'safetensors') {
      await writeTensors(join(data, 'test.safetensors'), { images: { dtype: 'U8', shape: t.shape, values: t.images }, labels: { dtype: 'I32', shape: [N], values: t.labels } });
    } else if (t.form === 'idx') {
      await writeFile(join(data, 't10k-images-idx3-ubyte.gz'), gzipSync(encodeIdxU8(C === 1 ? [N, H, W] : t.shape, t.images)));
      await writeFile(join(data, 't10k-labels-idx1-ubyte.gz'), gzipSync(encodeIdxU8([N], Uint8Array.from(t.labels))));
    } else {
      for (let n = 0; n < N; n++) {
        const cls = join(data, 'test', t.classes[t.labels[n]]);
        await mkdir(cls, { recursive: true });
        const px = t.images.subarray(n * H * W * C, (n + 1) * H * W * C);
        await writeFile(join(cls, `img${String(n).padStart(3, '0')}.png`), encodePng({ width: W, height: H, channels: C, depth: 8, data: px }));
      }
    }
  }
}
