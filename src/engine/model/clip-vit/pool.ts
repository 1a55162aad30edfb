/**
 * Model-pool validation: the experts must share the pretrained model's architecture (every config
 * field) and its canonical tensors and shapes. Every mismatch is listed at once, each naming the
 * model and the tensor or field. Experts without a projection while the pretrained model has one
 * are allowed (FusionBench's convention, arXiv:2406.03280: the pretrained projection is applied
 * to all).
 */
import { CheckpointMismatchError } from '../../errors';
import type { Checkpoint } from './checkpoint';
import type { ClipVisionConfig } from './config';
import { PROJECTION } from './names';

export interface PoolReport {
  ok: boolean;
  /** Every mismatch, each naming the model and the tensor or config field. */
  problems: string[];
  /** Allowed differences the user should know about. */
  notes: string[];
}

/** Config fields compared, with their config.json names for messages (projection handled apart). */
const FIELDS: ReadonlyArray<[keyof ClipVisionConfig, string]> = [
  ['hiddenSize', 'hidden_size'], ['intermediateSize', 'intermediate_size'], ['numLayers', 'num_hidden_layers'],
  ['numHeads', 'num_attention_heads'], ['imageSize', 'image_size'], ['patchSize', 'patch_size'],
  ['numChannels', 'num_channels'], ['hiddenAct', 'hidden_act'], ['layerNormEps', 'layer_norm_eps'],
];

const fmt = (s: readonly number[]) => `[${s.join(',')}]`;

export function checkPool(pretrained: Checkpoint, experts: Checkpoint[]): PoolReport {
  const problems: string[] = [];
  const notes: string[] = [];
  const pre = pretrained.config;
  const preShapes = new Map(pretrained.params.map((p) => [p.name, p.shape]));
  const withProj = experts.filter((e) => e.config.projectionDim !== null);
  const withoutProj = experts.filter((e) => e.config.projectionDim === null);
  /** `"a" has` / `"a", "b" have`. */
  const quote = (cs: Checkpoint[]) => `${cs.map((c) => `"${c.name}"`).join(', ')} ${cs.length === 1 ? 'has' : 'have'}`;

  if (withProj.length && withoutProj.length) {
    problems.push(`experts disagree on ${PROJECTION}: ${quote(withProj)} one, ${quote(withoutProj)} none; give every expert a projection or none.`);
  }
  if (pre.projectionDim === null && withProj.length) {
    problems.push(`expert ${quote(withProj)} ${PROJECTION} but pretrained "${pretrained.name}" has none.`);
  } else if (pre.projectionDim !== null && withoutProj.length && !withProj.length) {
    notes.push(`Experts have no ${PROJECTION}: the pretrained model's projection is applied to every model (FusionBench convention).`);
  }

  for (const ex of experts) {
    const who = `expert "${ex.name}"`;
    for (const [key, json] of FIELDS) {
      if (ex.config[key] !== pre[key]) problems.push(`${who}: ${json} is ${ex.config[key]}, pretrained has ${pre[key]}`);
    }
    if (ex.config.projectionDim !== null && pre.projectionDim !== null && ex.config.projectionDim !== pre.projectionDim) {
      problems.push(`${who}: projection_dim is ${ex.config.projectionDim}, pretrained has ${pre.projectionDim}`);
    }
    const seen = new Set<string>();
    for (const p of ex.params) {
      seen.add(p.name);
      const want = preShapes.get(p.name);
      if (!want) {
        if (p.name !== PROJECTION) problems.push(`${who}: ${p.name} is not in the pretrained model`);
      } else if (fmt(want) !== fmt(p.shape)) {
        problems.push(`${who}: ${p.name} has shape ${fmt(p.shape)}, pretrained has ${fmt(want)}`);
      }
    }
    for (const name of preShapes.keys()) {
      if (!seen.has(name) && name !== PROJECTION) problems.push(`${who}: ${name} is missing (the pretrained model has it)`);
    }
  }
  return { ok: problems.length === 0, problems, notes };
}

/** Throws CheckpointMismatchError listing every problem when the pool is inconsistent. */
export function assertPool(pretrained: Checkpoint, experts: Checkpoint[]): void {
  const { ok, problems } = checkPool(pretrained, experts);
  if (!ok) throw new CheckpointMismatchError(`model pool (pretrained "${pretrained.name}", ${experts.length} expert${experts.length === 1 ? '' : 's'})`, problems);
}
