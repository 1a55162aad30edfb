import { describe, expect, it } from 'vitest';
import { SuiteError } from './errors';
import { parseManifest } from './manifest';

const good = {
  name: 'mini', image_size: 32,
  tasks: [{ name: 'digits', classes: ['0', '1'] }, { name: 'shapes', classes: ['circle', 'square', 'star'] }],
  pretrained: './models/pretrained/', experts: { digits: 'models/digits', shapes: 'models/shapes' },
  heads: 'heads.safetensors', logit_scale: 50,
};

describe('suite manifest', () => {
  it('parses the documented layout and normalises paths', () => {
    const m = parseManifest(JSON.stringify(good));
    expect(m).toEqual({
      name: 'mini', imageSize: 32, tasks: good.tasks, pretrained: 'models/pretrained',
      experts: { digits: 'models/digits', shapes: 'models/shapes' }, heads: 'heads.safetensors', logitScale: 50, data: {},
    });
    expect(parseManifest(JSON.stringify({ ...good, logit_scale: undefined })).logitScale).toBe(100);
  });

  it('reports every problem at once', () => {
    const bad = {
      ...good, image_size: 0, heads: 3,
      tasks: [{ name: 'digits', classes: [] }, { name: 'shapes', classes: ['a', 'a'] }, { name: 'shapes', classes: ['x'] }],
      experts: { digits: 'models/digits', ghost: 'models/ghost' },
    };
    const err = (() => { try { parseManifest(JSON.stringify(bad), 'suite/manifest.json'); } catch (e) { return e as SuiteError; } })()!;
    expect(err).toBeInstanceOf(SuiteError);
    expect(err.message).toMatch(/^suite\/manifest\.json: 7 problems/);
    for (const re of [/"image_size" must be a positive integer/, /"heads" must be a path/, /task "digits": "classes" must be a non-empty array/,
      /task "shapes": class names must be unique/, /task "shapes" is listed twice/, /"experts" has "ghost", which is not a task/, /task "shapes" has no expert/]) {
      expect(err.message).toMatch(re);
    }
  });

  it('takes an optional "data" map of task → data folder, checked like "experts"', () => {
    expect(parseManifest(JSON.stringify({ ...good, data: { digits: './hub/mnist/' } })).data).toEqual({ digits: 'hub/mnist' });
    expect(() => parseManifest(JSON.stringify({ ...good, data: { ghost: 'x', shapes: 3 } }))).toThrow(/2 problems:\n- "data" has "ghost", which is not a task\n- "data"\."shapes" must be a path/);
    expect(() => parseManifest(JSON.stringify({ ...good, data: ['x'] }))).toThrow(/"data" must map tasks to their data folders/);
  });

  it('rejects non-JSON and a task without an expert', () => {
    expect(() => parseManifest('{oops')).toThrow(/manifest\.json: is not valid JSON/);
    expect(() => parseManifest(JSON.stringify({ ...good, experts: { digits: 'models/digits' } }))).toThrow(/task "shapes" has no expert/);
  });
});
