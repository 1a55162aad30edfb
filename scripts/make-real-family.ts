/**
 * Writes e2e/fixtures/real-family: a tiny stand-in for what a user downloads to reproduce the CLIP
 * merging benchmark — no manifest.json, the folders as the Hub serves them:
 * - `clip-vit-base-patch32/`: a full Hugging Face `CLIPModel` (vision and text towers, projections,
 *   logit_scale, tokenizer files, preprocessor_config.json): e2e/fixtures/text-a/model, copied.
 * - `clip-vit-base-patch32_<task>/`: FusionBench-style experts, `CLIPVisionModel` (vision tower
 *   only, no projection): the pretrained vision tower plus a seeded delta per task.
 * - `<task>/test-00000-of-00001.parquet`: the task's test split as `datasets` writes it — an
 *   `image` struct {bytes (PNG), path} and an int64 `label`, rows sorted by label (as many Hub
 *   splits are), row groups of 10, snappy pages, and the `huggingface` metadata naming the
 *   ClassLabel classes (the task registry's, FusionBench's order).
 * Tasks: mnist (28×28 grey), eurosat (64×64 RGB), svhn (32×32 RGB); 3 images per class.
 * Deterministic: a rerun writes identical files. Usage: npx tsx scripts/make-real-family.ts [outDir]
 */
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode as encodePng } from 'fast-png';
import { writeTensors } from '../src/engine/data/tiny-suite.node.js';
import { nodeFileSource } from '../src/engine/io/node-source.node.js';
import { openSafetensors, readAll } from '../src/engine/io/safetensors';
import { createRng } from '../src/engine/random';
import { findTask } from '../src/engine/tasks/registry';
import { snappyLiterals, writeParquet, type ParquetRow } from '../src/engine/testing/parquet-write.node.js';

const OUT = process.argv[2] ?? fileURLToPath(new URL('../e2e/fixtures/real-family/', import.meta.url));
const TEXT_A = fileURLToPath(new URL('../e2e/fixtures/text-a/model/', import.meta.url));
const PRETRAINED = 'clip-vit-base-patch32';
const PER_CLASS = 3;
const TASKS = [
  { name: 'mnist', width: 28, height: 28, channels: 1 as const, seed: 1 },
  { name: 'eurosat', width: 64, height: 64, channels: 3 as const, seed: 2 },
  { name: 'svhn', width: 32, height: 32, channels: 3 as const, seed: 3 },
];

/** A smooth class-dependent pattern with a little seeded noise, in 32 levels (small PNGs). */
function image(w: number, h: number, ch: 1 | 3, cls: number, k: number, seed: number): Uint8Array {
  const rng = createRng(seed * 1000 + cls * 10 + k);
  const fx = 0.05 + 0.03 * cls;
  const fy = 0.04 + 0.02 * ((cls * 3) % 7);
  const ph = rng.next() * Math.PI;
  const out = new Uint8Array(w * h * ch);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < ch; c++) {
        const v = 128 + 100 * Math.sin(fx * x * (c + 1) + fy * y + ph + c) + 6 * (rng.next() - 0.5);
        out[(y * w + x) * ch + c] = Math.max(0, Math.min(255, 8 * Math.round(v / 8))); // 32 levels: small PNGs
      }
    }
  }
  return out;
}

async function main(): Promise<void> {
  await rm(OUT, { recursive: true, force: true });
  // The pretrained CLIPModel: text-a's model folder, plus a preprocessor_config.json like openai's.
  const pre = join(OUT, PRETRAINED);
  await mkdir(pre, { recursive: true });
  for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.json', 'merges.txt']) {
    await copyFile(join(TEXT_A, f), join(pre, f));
  }
  await writeFile(join(pre, 'preprocessor_config.json'), `${JSON.stringify({
    crop_size: { height: 32, width: 32 }, do_center_crop: true, do_convert_rgb: true, do_normalize: true, do_rescale: true, do_resize: true,
    image_mean: [0.48145466, 0.4578275, 0.40821073], image_processor_type: 'CLIPImageProcessor',
    image_std: [0.26862954, 0.26130258, 0.27577711], resample: 3, rescale_factor: 0.00392156862745098, size: { shortest_edge: 32 },
  }, null, 2)}\n`);
  const config = JSON.parse(await (await import('node:fs/promises')).readFile(join(TEXT_A, 'config.json'), 'utf8'));
  const all = await readAll(await openSafetensors(await nodeFileSource(join(TEXT_A, 'model.safetensors'))));
  const vision = [...all].filter(([k]) => k.startsWith('vision_model.'));

  for (const t of TASKS) {
    const known = findTask(t.name);
    if (!known) throw new Error(`the task registry does not know ${t.name}`);
    // Expert: CLIPVisionModel (vision_model.* only, no projection), pretrained + a seeded delta.
    const dir = join(OUT, `${PRETRAINED}_${t.name}`);
    await mkdir(dir, { recursive: true });
    const rng = createRng(100 + t.seed);
    const tensors: Parameters<typeof writeTensors>[1] = {};
    for (const [k, v] of vision) {
      const src = v.values as Float32Array;
      if (k.endsWith('position_ids')) continue;
      let rms = 0;
      for (const x of src) rms += x * x;
      rms = Math.sqrt(rms / src.length) || 1;
      tensors[k] = { dtype: 'F32', shape: v.shape, values: Float32Array.from(src, (x) => x + 0.05 * rms * rng.normal()) };
    }
    await writeTensors(join(dir, 'model.safetensors'), tensors);
    await writeFile(join(dir, 'config.json'), `${JSON.stringify({
      architectures: ['CLIPVisionModel'], model_type: 'clip_vision_model', torch_dtype: 'float32', ...config.vision_config,
    }, null, 2)}\n`);

    // Test split: rows sorted by label, row groups of 10, the ClassLabel names in the metadata.
    const rows: ParquetRow[] = [];
    known.classes.forEach((_, cls) => {
      for (let k = 0; k < PER_CLASS; k++) {
        const px = image(t.width, t.height, t.channels, cls, k, t.seed);
        rows.push({ image: { bytes: encodePng({ width: t.width, height: t.height, data: px, channels: t.channels, depth: 8 }), path: `${rows.length}.png` }, label: cls });
      }
    });
    const groups: ParquetRow[][] = [];
    for (let i = 0; i < rows.length; i += 10) groups.push(rows.slice(i, i + 10));
    const huggingface = { info: { features: { image: { _type: 'Image' }, label: { names: [...known.classes], _type: 'ClassLabel' } } } };
    await mkdir(join(OUT, t.name), { recursive: true });
    await writeFile(join(OUT, t.name, 'test-00000-of-00001.parquet'), writeParquet({ rowGroups: groups, codec: 'SNAPPY', compress: snappyLiterals, labelType: 'INT64', huggingface }));
  }
  console.log(`wrote ${OUT}`);
}

await main();
