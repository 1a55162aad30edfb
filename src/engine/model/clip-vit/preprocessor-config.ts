/**
 * A Hugging Face preprocessor_config.json (CLIPImageProcessor) beside a checkpoint: the resize
 * target (`size`: {"shortest_edge": n}, {"height", "width"} or a number in older files), the centre
 * crop (`crop_size`, likewise; it must be the model's square input), `rescale_factor`,
 * `image_mean` and `image_std`. Fields left out keep CLIPImageProcessor's defaults (openai's CLIP
 * mean and std, 1/255). Steps mergelab does not do (no resize, no centre crop, no RGB conversion)
 * are refused, not silently ignored.
 */
import { CheckpointError } from '../../errors';
import type { ByteSource } from '../../io/byte-source';
import { quote, readJsonCapped } from '../../io/bounded';
import { CLIP_MEAN, CLIP_STD, type Preprocessing } from './preprocess';

export const PREPROCESSOR_CONFIG = 'preprocessor_config.json';

const HINT = 'Fix preprocessor_config.json (as CLIPImageProcessor writes it: "size": {"shortest_edge": 224}, "crop_size": {"height": 224, "width": 224}, "image_mean", "image_std"), or remove it to use CLIP\'s defaults.';

const basename = (name: string) => name.slice(name.lastIndexOf('/') + 1);

/** The folder's preprocessor_config.json, if any. */
export function findPreprocessorConfig(files: readonly ByteSource[]): ByteSource | undefined {
  return files.find((f) => basename(f.name) === PREPROCESSOR_CONFIG);
}

/** A side length: a positive integer, or {"shortest_edge"} / square {"height", "width"}. */
function side(v: unknown, key: string, problems: string[]): number | undefined {
  if (v === undefined || v === null) return undefined;
  const ok = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0 && (n as number) <= 8192;
  if (ok(v)) return v;
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (ok(o.shortest_edge)) return o.shortest_edge;
    if (ok(o.height) && o.height === o.width) return o.height;
  }
  problems.push(`"${key}" must be a side length: a positive integer, {"shortest_edge": n} or a square {"height": n, "width": n} (got ${quote(v)})`);
  return undefined;
}

function triple(v: unknown, key: string, fallback: readonly [number, number, number], positive: boolean, problems: string[]): [number, number, number] {
  if (v === undefined || v === null) return [...fallback];
  if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0))) return v as [number, number, number];
  problems.push(`"${key}" must be 3 ${positive ? 'positive ' : ''}numbers, one per RGB channel (got ${quote(v)})`);
  return [...fallback];
}

/**
 * Parses the file for a model of input `imageSize`: the crop must be imageSize (the vision tower
 * takes no other size) and the resize target at least that. Every problem is reported at once.
 */
export async function readPreprocessorConfig(src: ByteSource, imageSize: number): Promise<Preprocessing> {
  const raw = await readJsonCapped(src, (problem) => new CheckpointError(src.name, problem, HINT));
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new CheckpointError(src.name, 'must be a JSON object.', HINT);
  const c = raw as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of ['do_resize', 'do_center_crop', 'do_normalize', 'do_convert_rgb'] as const) {
    if (c[k] === false) problems.push(`"${k}" is false, but mergelab always does this step (CLIP models are evaluated resized, centre-cropped, RGB and normalised)`);
  }
  const resize = side(c.size, 'size', problems) ?? imageSize;
  const crop = side(c.crop_size, 'crop_size', problems) ?? imageSize;
  if (crop !== imageSize) problems.push(`"crop_size" is ${crop} but the model takes ${imageSize}×${imageSize} images`);
  if (resize < crop) problems.push(`"size" resizes the shorter side to ${resize}, less than the ${crop}-pixel crop`);
  let rescale = 1 / 255;
  if (c.do_rescale === false) rescale = 1;
  else if (c.rescale_factor !== undefined) {
    if (typeof c.rescale_factor === 'number' && Number.isFinite(c.rescale_factor) && c.rescale_factor > 0) rescale = c.rescale_factor;
    else problems.push(`"rescale_factor" must be a positive number (got ${quote(c.rescale_factor)})`);
  }
  const mean = triple(c.image_mean, 'image_mean', CLIP_MEAN, false, problems);
  const std = triple(c.image_std, 'image_std', CLIP_STD, true, problems);
  if (problems.length) throw new CheckpointError(src.name, `${problems.length} problem${problems.length > 1 ? 's' : ''}:\n- ${problems.join('\n- ')}`, HINT);
  return { shortestEdge: resize, rescale, mean, std };
}
