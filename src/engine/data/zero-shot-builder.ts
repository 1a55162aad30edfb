/**
 * The one place where openSuite finds its zero-shot head builder when the caller passes none: a
 * function that opens the pretrained folder's text tower and tokenizer and builds one unit-norm
 * [C, P] head per task (zero-shot classification as in CLIP, arXiv:2103.00020 §3.1.4; per class
 * every template filled, embeddings normalised, averaged, normalised again, as Task Arithmetic,
 * arXiv:2212.04089, and FusionBench, arXiv:2406.03280, build them). Set it to a builder over
 * model/clip-text/open-text-model.ts and model/zero-shot-heads.ts once those are in the engine;
 * until then suites without "heads" need `buildHeads` passed to openSuite.
 */
import type { BuildHeads } from './suite-heads';

export const DEFAULT_BUILD_HEADS: BuildHeads | null = null;
