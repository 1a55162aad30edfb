/**
 * Layout detection: from the stored tensor names alone, decide whether a checkpoint is Hugging Face
 * CLIP (CLIPVisionModel[WithProjection] or a full CLIPModel, with or without the `vision_model.`
 * prefix) or an open_clip visual state dict (`visual.*` or unprefixed), and map every canonical
 * name to its stored tensor. Tensors outside the vision tower are ignored with a note.
 */
import { CheckpointError } from '../../errors';
import { quote } from '../../io/bounded';
import type { CheckpointFormat } from './checkpoint';
import { PROJECTION, openClipSource, type SourceRef } from './names';

export interface Layout {
  format: CheckpointFormat;
  /** Human-readable, e.g. "CLIPVisionModelWithProjection", "CLIPModel (vision part)". */
  layout: string;
  /** Stored tensor (and transform) of a canonical parameter. */
  source(canonical: string): SourceRef;
  /** Stored tensors that are not part of the vision tower (text tower, buffers): not validated. */
  ignored: ReadonlySet<string>;
  notes: string[];
  /** 1 + the highest transformer layer index among the stored vision tensors (0 when none). */
  numLayers: number;
}

const VM = 'vision_model.';
const isHfText = (n: string) => n.startsWith('text_model.') || n === 'text_projection.weight' || n === 'logit_scale';

/** 1 + the highest layer index captured by `re` (group 1) among the names; 0 when none match. */
export function countLayers(names: readonly string[], re: RegExp): number {
  let n = 0;
  for (const name of names) {
    const m = re.exec(name);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return n;
}

function hfLayout(names: readonly string[], prefix: string): Layout {
  const ignored = new Set<string>();
  const notes: string[] = [];
  const text = names.filter(isHfText);
  text.forEach((n) => ignored.add(n));
  if (text.length) notes.push(`Full CLIPModel: the text tower (${text.length} tensors: text_model.*, text_projection.weight, logit_scale) is ignored.`);
  const posIds = `${prefix}embeddings.position_ids`;
  if (names.includes(posIds)) {
    ignored.add(posIds);
    notes.push(`"${posIds}" (an integer buffer older transformers versions save) is ignored.`);
  }
  if (!prefix) notes.push('Tensor names have no "vision_model." prefix; they were mapped to the canonical names.');
  const hasProjection = names.includes(PROJECTION);
  const kind = text.length ? 'CLIPModel (vision part)' : hasProjection ? 'CLIPVisionModelWithProjection' : 'CLIPVisionModel';
  return {
    format: 'hf',
    layout: prefix ? kind : `${kind}, no "vision_model." prefix`,
    source: (c) => ({ tensor: c.startsWith(VM) ? prefix + c.slice(VM.length) : c }),
    ignored,
    notes,
    numLayers: countLayers(names, new RegExp(`^${prefix.replace('.', '\\.')}encoder\\.layers\\.(\\d+)\\.`)),
  };
}

function openClipLayout(names: readonly string[], prefix: string): Layout {
  const ignored = new Set(prefix ? names.filter((n) => !n.startsWith(prefix)) : []);
  const notes = ignored.size ? [`Full open_clip model: the ${ignored.size} tensors outside "${prefix}*" (text tower, logit_scale) are ignored.`] : [];
  notes.push('open_clip names were mapped to Hugging Face names: attn.in_proj_weight/bias split into q/k/v_proj, proj transposed into visual_projection.weight.');
  return {
    format: 'open_clip',
    layout: ignored.size ? 'open_clip CLIP (visual part)' : prefix ? 'open_clip visual' : 'open_clip visual, no "visual." prefix',
    source: (c) => openClipSource(c, prefix) ?? { tensor: c },
    ignored,
    notes,
    numLayers: countLayers(names, new RegExp(`^${prefix.replace('.', '\\.')}transformer\\.resblocks\\.(\\d+)\\.`)),
  };
}

/** Recognises the layout from tensor names; `file` names the weights in errors. */
export function detectLayout(file: string, names: readonly string[]): Layout {
  const has = (n: string) => names.includes(n);
  const candidates: Layout[] = [];
  if (has(`${VM}embeddings.patch_embedding.weight`)) candidates.push(hfLayout(names, VM));
  if (has('embeddings.patch_embedding.weight')) candidates.push(hfLayout(names, ''));
  if (has('visual.conv1.weight')) candidates.push(openClipLayout(names, 'visual.'));
  if (has('conv1.weight')) candidates.push(openClipLayout(names, ''));
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1) {
    throw new CheckpointError(file, `mixes several CLIP vision layouts (${candidates.map((c) => c.layout).join(' and ')}).`,
      'Keep one vision tower per file: save the model again with only one set of weights.');
  }
  const sample = names.slice(0, 5).map((n) => quote(n)).join(', ');
  throw new CheckpointError(file, `is not a CLIP vision checkpoint: none of its ${names.length} tensors is a patch embedding ("vision_model.embeddings.patch_embedding.weight" for Hugging Face, "visual.conv1.weight" for open_clip)${names.length ? `; it has e.g. ${sample}` : ''}.`);
}
