/**
 * The assembly slice on the in-process engine: a drop with manifest.json opens as a suite, one
 * without is matched in a table the user fixes; "Use this suite" hands the engine the dropped files
 * plus the generated manifest.json at the parent, and Save suite's text is that same manifest.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../../engine/data/png-decoder.node';
import { fixturePath } from '../../engine/testing/fixtures.node';
import { createInProcessEngine } from '../../worker/in-process';
import { pickedFolder } from '../../worker/lab-files.node';
import type { PickedFile } from '../group-files';
import { createLabStore, type LabStore } from '../store';

const SUITE = fixturePath('suite-tiny');

/** suite-tiny without its manifest, its pretrained model declared a CLIPModel (a text tower), the experts renamed as FusionBench names them. */
async function realistic(): Promise<PickedFile[]> {
  const files = (await pickedFolder(SUITE)).filter((f) => f.path !== 'suite-tiny/manifest.json');
  const cfg = files.find((f) => f.path === 'suite-tiny/models/pretrained/config.json')!;
  const clip = { ...JSON.parse(await cfg.blob.text()), architectures: ['CLIPModel'], text_config: { hidden_size: 8 } };
  return files.map((f) => (f === cfg ? { path: f.path, blob: new Blob([JSON.stringify(clip)]) } : f))
    .map((f) => ({ ...f, path: f.path.replace('models/scans/', 'models/clip-vit-base-patch32_mnist/').replace('data/waves/', 'hub/mnist/') }));
}

describe('assembly slice', () => {
  let store: LabStore;
  const s = () => store.getState();
  beforeEach(async () => {
    store = createLabStore({
      startEngine: () => ({ api: createInProcessEngine({ decoder: nodeImageDecoder }), terminate: () => undefined }),
      storage: { getItem: (k) => (k === 'mergelab.backend' ? 'cpu' : null), setItem: () => undefined },
    });
    await s().start();
  });

  it('opens a drop with manifest.json as a suite, without assembling', async () => {
    await s().openSuiteDrop(await pickedFolder(SUITE));
    expect(s().assembly.status).toBe('idle');
    expect(s().suite.status).toBe('ready');
    expect(s().suite.info?.name).toBe('tiny');
  });

  it('matches a drop without manifest, takes the user\'s fixes, and opens the files with the manifest it made', async () => {
    await s().openSuiteDrop(await realistic());
    const a = s().assembly;
    expect(a.status).toBe('ready');
    expect(s().suite.status).toBe('idle');
    expect(a.result?.root).toBe('suite-tiny');
    expect(a.result?.pretrained).toBe('models/pretrained');
    expect(a.result?.rows.map((r) => [r.task, r.status])).toEqual([
      ['mnist', 'ready'], ['folders', 'ready'], ['scans', 'no-expert'], ['waves', 'no-data'],
    ]);
    // mnist's data in hub/mnist (a Hub download) are found by the alias; here the user says the scans data are mnist's too.
    s().assignTask('data/scans', 'mnist');
    s().dropTask('waves');
    expect(s().assembly.result?.rows.map((r) => [r.task, r.experts, r.data, r.status])).toEqual([
      ['mnist', ['models/clip-vit-base-patch32_mnist'], ['data/scans', 'hub/mnist'], 'duplicate'],
      ['folders', ['models/folders'], ['data/folders'], 'ready'],
    ]);
    s().assignTask('hub/mnist', 'waves');
    s().dropTask('waves');
    const manifest = JSON.parse(s().assembledManifestText()!);
    expect(manifest).toEqual({
      name: 'suite-tiny', image_size: 32, pretrained: 'models/pretrained', heads: 'heads.safetensors',
      experts: { mnist: 'models/clip-vit-base-patch32_mnist', folders: 'models/folders' },
      tasks: [{ name: 'mnist', classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] }, { name: 'folders' }],
      data: { mnist: 'data/scans' },
    });

    await s().useAssembly();
    const source = s().suite.source;
    expect(source?.kind).toBe('files');
    if (source?.kind !== 'files') return;
    expect(source.name).toBe('suite-tiny');
    const handed = source.files.find((f) => f.path === 'suite-tiny/manifest.json')!;
    expect(JSON.parse(await handed.blob.text())).toEqual(manifest);
    expect(source.files).toHaveLength((await realistic()).length + 1);
  });

  it('puts folders dropped side by side under one parent for the engine', async () => {
    const files = (await realistic()).map((f) => ({ ...f, path: f.path.replace(/^suite-tiny\//, '') }));
    await s().assemble(files);
    expect(s().assembly.result?.root).toBe('');
    s().assignTask('data/scans', 'mnist');
    await s().useAssembly();
    const source = s().suite.source;
    if (source?.kind !== 'files') throw new Error('no files handed to the engine');
    expect(source.name).toBe('assembled');
    expect(source.files.every((f) => f.path.startsWith('assembled/'))).toBe(true);
    expect(source.files.some((f) => f.path === 'assembled/manifest.json')).toBe(true);
  });
});
