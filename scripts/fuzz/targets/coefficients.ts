/** Fuzz target: AdaMerging coefficients JSON (pasted or picked), checked against a 3-task, 4-tensor model. */
import { parseCoefficientsText } from '../../../src/engine/trained/coefficients-json';
import type { FuzzTarget } from '../types';
import { json, text } from './seeds';

const TASKS = ['waves', 'folders', 'scans'];
const TENSORS = ['vision_model.embeddings.class_embedding', 'vision_model.encoder.layers.0.mlp.fc1.weight', 'vision_model.encoder.layers.1.mlp.fc1.weight', 'vision_model.post_layernorm.weight'];

export const coefficientsTarget: FuzzTarget = {
  name: 'coefficients',
  seeds: async () => [
    json({ format: 'mergelab-coefficients', version: 1, granularity: 'layer', plus: false, tasks: TASKS, tensors: TENSORS, lambda: TASKS.map(() => TENSORS.map(() => 0.3)) }),
    json([0.22, 0.14, 0.3]),
    json({ lambda: [[0.1], [0.2], [0.3]] }),
  ],
  async run(bytes) {
    parseCoefficientsText(text(bytes), TASKS, TENSORS);
  },
};
