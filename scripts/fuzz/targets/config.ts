/** Fuzz target: config.json beside tiny-a's valid weights (checkpoint recognition with that config). */
import { memorySource } from '../../../src/engine/io/byte-source';
import { openCheckpoint } from '../../../src/engine/model/clip-vit/open-checkpoint';
import type { FuzzTarget } from '../types';
import { fixtureBytes } from './seeds';

let weights: Uint8Array | null = null;

export const configTarget: FuzzTarget = {
  name: 'config.json',
  async seeds() {
    const cfg = JSON.parse(new TextDecoder().decode(await fixtureBytes('tiny-a', 'config.json')));
    const full = { model_type: 'clip', projection_dim: cfg.projection_dim, vision_config: cfg, architectures: ['CLIPModel'] };
    return [await fixtureBytes('tiny-a', 'config.json'), new TextEncoder().encode(JSON.stringify(full))];
  },
  async run(bytes) {
    weights ??= await fixtureBytes('tiny-a', 'model.safetensors');
    await openCheckpoint('fuzz', [memorySource(weights, 'model.safetensors'), memorySource(bytes, 'config.json')]);
  },
};
