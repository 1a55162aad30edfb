/** The 64-bit hash's outputs are persisted (cache keys, feature-file names, merged-model metadata): pinned here. */
import { describe, expect, it } from 'vitest';
import { openCheckpointPath } from './model/clip-vit/open-checkpoint-path.node';
import { contentFingerprint } from './eval/fingerprint';
import { checkpointFingerprint } from './merge/fingerprint';
import { fixturePath } from './testing/fixtures.node';
import { Hash64 } from './hash';

describe('Hash64', () => {
  it('hashes words and both text forms to the values already stored', () => {
    expect(new Hash64().hex()).toBe('811c9dc59747b28c');
    expect(new Hash64().words(Uint32Array.from([1, 2, 0xffffffff])).hex()).toBe('a730c52f13e93838');
    expect(['abc', 'λ=0.3 ✓', '["ties",{"k":20}]', 'a😀b'].map((s) => new Hash64().utf8(s).hex()))
      .toEqual(['1a47e90bba9a0151', 'f83c5d0385471a4c', 'bd836ed105b52da1', '88a361a9d1e2c421']);
    expect(['abc', 'λ=0.3 ✓', 'a😀b'].map((s) => new Hash64().charCodes(s).hex()))
      .toEqual(['1a47e90bba9a0151', '6c742a491071dd49', 'fa52c473e1e18e1f']);
  });

  it('gives the checkpoint fingerprints it gave before (cache keys and merged-model metadata)', async () => {
    const a = await openCheckpointPath(fixturePath('tiny-a'));
    const t2 = await openCheckpointPath(fixturePath('merge', 'task-2'));
    expect([await contentFingerprint(a), await contentFingerprint(t2)]).toEqual(['e0f962469bc09ec5', '1e3e0385dfb3d3d9']);
    expect([await checkpointFingerprint(a), await checkpointFingerprint(t2)]).toEqual(['7af2842e13edf23a', '4a36ce05cdd41927']);
  });
});
