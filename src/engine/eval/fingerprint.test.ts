import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { memorySource } from '../io/byte-source';
import { openCheckpointPath } from '../model/clip-vit/open-checkpoint-path.node';
import { memorySink, writeSafetensors } from '../io/safetensors';
import { openCheckpoint } from '../model/clip-vit/open-checkpoint';
import { fixturePath, loadFixtureTensors } from '../testing/fixtures.node';
import { contentFingerprint } from './fingerprint';

describe('content fingerprints', () => {
  it('depend on the weights only: equal for the same files, different for a sparse expert', async () => {
    const a1 = await openCheckpointPath(fixturePath('tiny-a'));
    const a2 = await openCheckpointPath(fixturePath('tiny-a'));
    // task-2 differs from tiny-a only in layer 1, post_layernorm and visual_projection.
    const t2 = await openCheckpointPath(fixturePath('merge', 'task-2'));
    const f = await contentFingerprint(a1);
    expect(f).toMatch(/^[0-9a-f]{16}$/);
    expect(await contentFingerprint(a2)).toBe(f);
    expect(await contentFingerprint(t2)).not.toBe(f);
    expect(contentFingerprint(a1)).toBe(contentFingerprint(a1)); // memoised per checkpoint
  });

  it('changes when a single value of a large weight matrix changes', async () => {
    const tensors = await loadFixtureTensors('tiny-a', 'model.safetensors');
    const config = await readFile(fixturePath('tiny-a', 'config.json'));
    const open = async (edit: number) => {
      const sink = memorySink();
      const specs = [...tensors].map(([name, t]) => ({ name, dtype: 'F32' as const, shape: t.shape }));
      await writeSafetensors(sink, specs, (s) => {
        const v = (tensors.get(s.name)!.values as Float32Array).slice();
        if (s.name === 'vision_model.encoder.layers.1.mlp.fc1.weight') v[12345] += edit;
        return v;
      });
      return openCheckpoint('m', [memorySource(new Uint8Array(config), 'config.json'), memorySource(sink.bytes(), 'model.safetensors')]);
    };
    expect(await contentFingerprint(await open(0))).toBe(await contentFingerprint(await openCheckpointPath(fixturePath('tiny-a'))));
    expect(await contentFingerprint(await open(2 ** -20))).not.toBe(await contentFingerprint(await open(0)));
  });
});
