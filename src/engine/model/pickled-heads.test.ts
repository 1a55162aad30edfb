// task_vectors heads: a head_<Dataset>.pt pickled by PyTorch (rows = unit embeddings × 100) comes
// back as the unit rows the Python script saved separately, with scale 100 (a suite with such heads:
// src/cli/pickle.test.ts).
import { describe, expect, it } from 'vitest';
import { SuiteError } from '../data/errors';
import { memorySource } from '../io/byte-source';
import { nodeFileSource } from '../io/node-source.node';
import { fixturePath, loadFixtureTensors } from '../testing/fixtures.node';
import { tensorZip } from '../testing/pickle-craft';
import { readPickledHeads } from './pickled-heads';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i])); return m; };

describe('task_vectors heads', () => {
  it('a pickled ClassificationHead gives unit rows and exp(logit_scale) = 100', async () => {
    const files = new Map([['head_Tiny.pt', await nodeFileSource(fixturePath('pickle', 'head_Tiny.pt'))]]);
    const { heads, logitScale, note } = await readPickledHeads('heads', files, [{ name: 'tiny', classes: ['a', 'b', 'c'] }]);
    const want = (await loadFixtureTensors('pickle', 'head_Tiny.expected.safetensors')).get('Tiny')!;
    const h = heads.get('tiny')!;
    expect([h.numClasses, h.dim]).toEqual(want.shape);
    expect(maxDiff(h.weight, want.values)).toBeLessThan(1e-6);
    expect(Math.abs(logitScale - 100)).toBeLessThan(1e-3);
    expect(note).toMatch(/rows normalised, logit scale 100\.0000 taken from their norm/);
  });

  it('refuses rows of different norms, class-count mismatches and missing files, all at once', async () => {
    const rows = new Float32Array([3, 4, 0, 0, 0, 1, 0, 0]); // norms 5 and 1
    const files = new Map([['head_A.pt', memorySource(tensorZip('weight', rows, [2, 4], [4, 1]), 'head_A.pt')], ['head_B.pt', memorySource(tensorZip('weight', rows, [2, 4], [4, 1]), 'head_B.pt')]]);
    const err = await readPickledHeads('heads', files, [{ name: 'a', classes: ['x', 'y'] }, { name: 'b', classes: ['x', 'y', 'z'] }, { name: 'c', classes: ['x'] }]).catch((e) => e);
    expect(err).toBeInstanceOf(SuiteError);
    expect(err.message).toMatch(/3 problems/);
    expect(err.message).toMatch(/head_A\.pt: row 0 has norm 5/);
    expect(err.message).toMatch(/head_B\.pt has 2 rows but the manifest lists 3 classes/);
    expect(err.message).toMatch(/no head_c\.pt/);
  });
});
