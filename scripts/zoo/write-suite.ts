/**
 * Writes the zoo in the suite format (src/engine/data/manifest.ts):
 *   manifest.json, models/<name>/{config.json, model.safetensors} (HF CLIP vision layout with
 *   projection, F32), heads.safetensors (one F32 [C, P] tensor per task, unit-norm rows) and
 *   data/<task>/{train,test}.safetensors (images U8 [N, H, W, 3], labels I32 [N]).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type TensorSpec, memorySink, writeSafetensors } from '../../src/engine/io/safetensors';
import { type ClipVisionConfig, toHfConfigJson } from '../../src/engine/model/clip-vit/config';
import { canonicalParams } from '../../src/engine/model/clip-vit/names';
import type { ParamMap } from '../../src/engine/params/param-map';
import { IMAGE_SIZE, type ImageSet } from './tasks/task';


export interface SuiteTaskOut {
  name: string;
  classes: string[];
  head: Float32Array; // [C, P]
  train: ImageSet;
  test: ImageSet;
}

async function writeTensors(path: string, specs: TensorSpec[], values: (name: string) => Float32Array | Uint8Array | Int32Array, metadata?: Record<string, string>): Promise<void> {
  const sink = memorySink();
  await writeSafetensors(sink, specs, (s) => values(s.name), metadata);
  await writeFile(path, sink.bytes());
}

/** models/<name>/: config.json + model.safetensors in canonical order. */
export async function writeModel(dir: string, c: ClipVisionConfig, params: ParamMap, metadata: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), `${JSON.stringify(toHfConfigJson(c), null, 2)}\n`);
  const specs = canonicalParams(c).map((p) => ({ name: p.name, dtype: 'F32' as const, shape: p.shape }));
  await writeTensors(join(dir, 'model.safetensors'), specs, (n) => params.get(n)!.dataSync() as Float32Array, { format: 'pt', ...metadata });
}

export async function writeSplit(path: string, set: ImageSet): Promise<void> {
  const n = set.labels.length;
  await writeTensors(path, [
    { name: 'images', dtype: 'U8', shape: [n, IMAGE_SIZE, IMAGE_SIZE, 3] },
    { name: 'labels', dtype: 'I32', shape: [n] },
  ], (name) => (name === 'images' ? set.images : set.labels));
}

/** Everything but the expert and pretrained weights (written as they are trained). */
export async function writeSuiteFiles(root: string, name: string, c: ClipVisionConfig, tasks: SuiteTaskOut[], logitScale: number): Promise<void> {
  await mkdir(root, { recursive: true });
  const manifest = {
    name,
    image_size: c.imageSize,
    tasks: tasks.map((t) => ({ name: t.name, classes: t.classes })),
    pretrained: 'models/pretrained',
    experts: Object.fromEntries(tasks.map((t) => [t.name, `models/${t.name}`])),
    heads: 'heads.safetensors',
    logit_scale: logitScale,
  };
  await writeFile(join(root, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const P = c.projectionDim!;
  await writeTensors(join(root, 'heads.safetensors'), tasks.map((t) => ({ name: t.name, dtype: 'F32' as const, shape: [t.classes.length, P] })),
    (n) => tasks.find((t) => t.name === n)!.head);
  for (const t of tasks) {
    await mkdir(join(root, 'data', t.name), { recursive: true });
    await writeSplit(join(root, 'data', t.name, 'train.safetensors'), t.train);
    await writeSplit(join(root, 'data', t.name, 'test.safetensors'), t.test);
  }
}
