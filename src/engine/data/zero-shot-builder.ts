/**
 * openSuite's zero-shot head builder when the caller passes none: opens the pretrained folder's
 * text tower and tokenizer (model/clip-text/open-text-model.ts) and builds one unit-norm [C, P]
 * head per task (model/zero-shot-heads.ts: zero-shot classification as in CLIP, arXiv:2103.00020
 * §3.1.4; per class every template filled, embeddings normalised, averaged, normalised again, as
 * Task Arithmetic, arXiv:2212.04089, and FusionBench, arXiv:2406.03280, build them). The text
 * tower's tensors are freed when the heads are built, cancelled or failed.
 */
import { openTextModel } from '../model/clip-text/open-text-model';
import { buildZeroShotHeads } from '../model/zero-shot-heads';
import type { BuildHeads } from './suite-heads';

export const DEFAULT_BUILD_HEADS: BuildHeads = async (pretrained, tasks, progress, signal) => {
  const model = await openTextModel(pretrained.name, pretrained.files);
  try {
    const heads = await buildZeroShotHeads(model, tasks, { onProgress: progress, signal });
    return { heads, logitScale: model.logitScale };
  } finally {
    model.dispose();
  }
};
