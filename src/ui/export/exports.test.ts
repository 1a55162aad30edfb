/**
 * Exports: the HF folder zip of a real merge (in-process engine, suite-tiny) read back with
 * fflate and the project's safetensors reader (same tensors, metadata and config), the model
 * card, CSV quoting and rows, JSON, and the FusionBench mapping of every method.
 */
import { unzipSync, strFromU8 } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../../engine/data/png-decoder.node';
import { blobSource } from '../../engine/io/byte-source';
import { openSafetensors, readAll } from '../../engine/io/safetensors';
import { openCheckpoint } from '../../engine/model/clip-vit/open-checkpoint';
import { fixturePath } from '../../engine/testing/fixtures.node';
import { inputsOf, type RunRecord } from '../../state/runs/record';
import { sampleRecord } from '../../state/runs/sample.node';
import type { EngineApi, MergedModel, MergeFiles } from '../../worker/api';
import { createInProcessEngine } from '../../worker/in-process';
import { pickedFolder } from '../../worker/lab-files.node';
import { fusionBenchExport } from './fusionbench';
import { matrixSvg } from './heatmap-svg';
import { hfFolderZip, modelCard } from './hf-zip';
import { csvField, CSV_COLUMNS, runsCsv, runsJson } from './tables';

/** A minimal RFC 4180 reader for the test (quoted fields, doubled quotes, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += ch;
  }
  return rows;
}

describe('HF folder zip', () => {
  let merged: MergedModel;
  let files: MergeFiles;
  beforeAll(async () => {
    const api: EngineApi = createInProcessEngine({ decoder: nodeImageDecoder });
    await api.init({ force: 'cpu' });
    const suite = await api.openSuite('suite-tiny', await pickedFolder(fixturePath('suite-tiny')));
    merged = await api.merge({ pool: { kind: 'suite', suiteId: suite.id }, method: 'ties', params: { k: 30 } });
    files = await api.mergeFiles(merged.id);
  });

  it('holds config.json, model.safetensors and README.md that read back as the same checkpoint', async () => {
    const card = modelCard(merged, 'TIES-Merging · k 30');
    const seen: number[] = [];
    const zip = await hfFolderZip(merged.name, files, card, (done, total) => { expect(total).toBe(files.model.size); seen.push(done); });
    expect(seen.at(-1)).toBe(files.model.size);
    const entries = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    expect(Object.keys(entries).sort()).toEqual([`${merged.name}/README.md`, `${merged.name}/config.json`, `${merged.name}/model.safetensors`]);
    expect(strFromU8(entries[`${merged.name}/config.json`])).toBe(files.configJson);
    expect(strFromU8(entries[`${merged.name}/README.md`])).toBe(card);
    const back = await openSafetensors(blobSource(new Blob([entries[`${merged.name}/model.safetensors`]]), 'model.safetensors'));
    const orig = await openSafetensors(blobSource(files.model, 'model.safetensors'));
    expect(back.metadata).toEqual(orig.metadata);
    const [a, b] = [await readAll(back), await readAll(orig)];
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, t] of b) expect(a.get(k)).toEqual(t); // dtype, shape and every value
    // The foundation's reader recognises the unzipped folder as a CLIP vision checkpoint.
    const ck = await openCheckpoint('unzipped', [
      blobSource(new Blob([entries[`${merged.name}/config.json`]]), 'unzipped/config.json'),
      blobSource(new Blob([entries[`${merged.name}/model.safetensors`]]), 'unzipped/model.safetensors'),
    ]);
    expect(ck.config.hiddenSize).toBeGreaterThan(0);
  });

  it('the model card names the method, parameters and every input with its fingerprint', () => {
    const card = modelCard(merged, 'TIES-Merging · k 30');
    expect(card).toContain('- method: `ties`');
    expect(card).toContain(JSON.stringify(merged.params));
    for (const i of inputsOf(merged.metadata)) expect(card).toContain(`| ${i.role} | ${i.name} | ${i.bytes} | \`${i.fingerprint}\` |`);
    expect(card).toContain('not a cryptographic hash');
  });
});

describe('CSV and JSON', () => {
  it('quotes fields with commas, quotes and line breaks (RFC 4180) and leaves others bare', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(0.5)).toBe('0.5');
  });

  it('writes one row per task and an average row per run, parsing back to the records', () => {
    const a = sampleRecord('a', '2026-12-01T09:00:00.000Z', { label: 'TIES, "k" 20\nsum' });
    const b = sampleRecord('b', '2026-12-01T10:00:00.000Z', { tasks: [], average: null });
    const rows = parseCsv(runsCsv([a, b]));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.slice(1).map((r) => [r[0], r[10]])).toEqual([['a', 'a'], ['a', 'average'], ['b', '']]);
    expect(rows.every((r) => r.length === CSV_COLUMNS.length)).toBe(true);
    const col = (name: string) => CSV_COLUMNS.indexOf(name as (typeof CSV_COLUMNS)[number]);
    expect(rows[1][col('label')]).toBe(a.label);
    expect(JSON.parse(rows[1][col('params')])).toEqual({ merge: { lambda: 0.3 } });
    expect(Number(rows[1][col('accuracy')])).toBe(a.tasks[0].accuracy);
    expect(rows[3][col('accuracy')]).toBe('');
  });

  it('JSON holds the records unchanged', () => {
    const a = sampleRecord('a', '2026-12-01T09:00:00.000Z');
    expect(JSON.parse(runsJson([a]))).toEqual({ format: 'mergelab-runs', version: 1, runs: [a] });
  });
});

describe('FusionBench mapping', () => {
  const rec = (stages: RunRecord['stages'], over: Partial<RunRecord> = {}) => sampleRecord('r', '2026-12-01T09:00:00.000Z', { stages, ...over });
  const merge = (method: string, params: Record<string, string | number | boolean>) => ({ stage: 'merge' as const, method, params, steps: 0 });
  const ta8 = ['sun397', 'stanford-cars', 'resisc45', 'eurosat', 'svhn', 'gtsrb', 'mnist', 'dtd'].map((task) => ({ task, images: 10, accuracy: 1, normalized: 1, individual: 1, pretrained: 1 }));

  it('maps each closed-form method to its FusionBench config and parameters', () => {
    const cmd = (r: RunRecord) => fusionBenchExport(r).command!.replace(/ \\\n {2}/g, ' ');
    expect(cmd(rec([merge('average', {})]))).toBe('fusion_bench --config-dir . method=simple_average modelpool=mergelab_pool taskpool=dummy');
    expect(cmd(rec([merge('task_arithmetic', { lambda: 0.3 })], { tasks: ta8 }))).toBe(
      'fusion_bench method=task_arithmetic method.scaling_factor=0.3 modelpool=CLIPVisionModelPool/clip-vit-base-patch32_TA8 taskpool=CLIPVisionModelTaskPool/clip-vit-classification_TA8');
    expect(cmd(rec([merge('ties', { k: 20, lambda: 1, aggregate: 'mean' })], { tasks: ta8 }))).toContain('method=ties_merging method.scaling_factor=1 method.threshold=20 method.merge_func=mean');
    expect(cmd(rec([merge('dare', { p: 0.9, rescale: true, scope: 'linear', seed: 3, base: 'task_arithmetic', lambda: 0.3 })]))).toContain(
      'seed=3 method=dare/task_arithmetic method.scaling_factor=0.3 method.sparsity_ratio=0.9 method.only_on_linear_weights=true method.rescale=true');
    expect(cmd(rec([merge('dare', { p: 0.5, rescale: false, scope: 'all', seed: 0, base: 'ties', lambda: 1, k: 20, aggregate: 'sum' })]))).toContain(
      'method=dare/ties_merging method.scaling_factor=1 method.sparsity_ratio=0.5 method.only_on_linear_weights=false method.rescale=false method.threshold=20 method.merge_func=sum');
    expect(fusionBenchExport(rec([merge('dare', { seed: 1 })])).notes.join(' ')).toContain('not bit for bit');
  });

  it('maps AdaMerging and AdaMerging + Surgery, and says so for what FusionBench lacks', () => {
    const ada = { stage: 'merge' as const, method: 'adamerging', params: { granularity: 'task', plus: false, lr: 0.001 }, steps: 10 };
    expect(fusionBenchExport(rec([ada])).command).toContain('method=adamerging/clip \\\n  method.name=clip_task_wise_adamerging \\\n  method.lr=0.001');
    const lw = { ...ada, params: { ...ada.params, granularity: 'layer' } };
    const surgery = { stage: 'correction' as const, method: 'surgery', params: { rank: 16 }, steps: 500 };
    expect(fusionBenchExport(rec([lw, surgery])).command).toContain('method=surgery/adamerging_surgery \\\n  method.surgery_steps=500');
    for (const [stages, says] of [
      [[merge('consensus', { k: 2 })], 'no consensus'],
      [[merge('task_arithmetic', { lambda: 0.3 }), surgery], 'only on layer-wise AdaMerging'],
      [[lw, { ...surgery, method: 'tinting' }], 'no tinting'],
      [[lw, { ...surgery, method: 'intervmerge' }], 'no intervmerge'],
      [[{ ...ada, params: { ...ada.params, plus: true } }], 'AdaMerging++'],
    ] as const) {
      const out = fusionBenchExport(rec([...stages]));
      expect(out).toMatchObject({ supported: false, command: null, modelpoolYaml: null });
      expect(out.notes[0]).toContain(says);
    }
  });

  it('writes a modelpool YAML of the run\'s input models for a suite FusionBench does not have', () => {
    const r = rec([merge('task_arithmetic', { lambda: 0.3 })], {
      inputs: [{ role: 'pretrained', name: 'zoo/pretrained', bytes: 1, fingerprint: 'a' }, { role: 'expert', name: 'zoo/mnist-expert', bytes: 1, fingerprint: 'b' }],
    });
    expect(fusionBenchExport(r).modelpoolYaml).toBe([
      '_target_: fusion_bench.modelpool.CLIPVisionModelPool', '_recursive_: False', 'processor: openai/clip-vit-base-patch32', 'models:',
      '  _pretrained_: ./pretrained', '  mnist-expert: ./mnist-expert', 'platform: hf', '',
    ].join('\n'));
  });
});

describe('matrix SVG', () => {
  it('draws one coloured cell per entry with its value, and escapes the labels', () => {
    const svg = matrixSvg(['a<b', 'c&d'], [[1, -0.25], [-0.25, 1]], { cell: (v) => (v > 0 ? 'red' : 'blue'), text: () => 'black', ink: 'black', background: 'white' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="198" height="198"')).toBe(true);
    expect(svg.match(/<rect x=/g)).toHaveLength(4);
    expect(svg.match(/fill="red"/g)).toHaveLength(2);
    expect(svg).toContain('>-0.25</text>');
    expect(svg).toContain('a&lt;b');
    expect(svg).toContain('c&amp;d');
    expect(svg).not.toContain('a<b');
  });
});
