import { describe, expect, it } from 'vitest';
import { openCheckpointPath } from '../io/folder.node';
import { fixturePath } from '../testing/fixtures.node';
import { checkpointFingerprint } from './fingerprint';

describe('checkpoint fingerprints', () => {
  it('depend on the weights only: equal for the same files, different for a sparse expert', async () => {
    const a1 = await openCheckpointPath(fixturePath('tiny-a'));
    const a2 = await openCheckpointPath(fixturePath('tiny-a'));
    // task-2 differs from tiny-a only in layer 1, post_layernorm and visual_projection.
    const t2 = await openCheckpointPath(fixturePath('merge', 'task-2'));
    const f = await checkpointFingerprint(a1);
    expect(f).toMatch(/^[0-9a-f]{16}$/);
    expect(await checkpointFingerprint(a2)).toBe(f);
    expect(await checkpointFingerprint(t2)).not.toBe(f);
    expect(checkpointFingerprint(a1)).toBe(checkpointFingerprint(a1)); // memoised per checkpoint
  });
});
