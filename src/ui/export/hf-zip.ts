/**
 * A merged checkpoint as one zip of its Hugging Face folder (issue 7.4): config.json,
 * model.safetensors (stored, not deflated: float weights barely compress) and a README.md model
 * card with the method, resolved parameters and the inputs' names, sizes and fingerprints from
 * the file's own metadata. Zipped with fflate; no DOM, so Node tests read it back.
 */
import { strToU8, zipSync } from 'fflate';
import { inputsOf } from '../../state/runs/record';
import type { MergedModel, MergeFiles } from '../../worker/api';

export function modelCard(merged: Pick<MergedModel, 'name' | 'method' | 'params' | 'metadata' | 'notes'>, label: string): string {
  const inputs = inputsOf(merged.metadata);
  const lines = [
    '---', 'library_name: transformers', 'tags:', '- model-merging', '- clip', '- mergelab', '---', '',
    `# ${merged.name}`, '',
    `A CLIP vision tower merged in mergelab: ${label}.`, '',
    `- method: \`${merged.method}\``,
    `- parameters: \`${JSON.stringify(merged.params)}\``, '',
    '## Inputs', '',
    '| role | name | bytes | fingerprint |', '|---|---|---|---|',
    ...inputs.map((i) => `| ${i.role} | ${i.name} | ${i.bytes ?? ''} | \`${i.fingerprint ?? ''}\` |`), '',
    `Fingerprints: ${merged.metadata['mergelab.fingerprint'] ?? 'not recorded'}.`, '',
    'Load it with `transformers.CLIPVisionModel.from_pretrained(folder)` (or `CLIPVisionModelWithProjection` when config.json has a projection).',
  ];
  if (merged.notes.length) lines.push('', '## Notes', '', ...merged.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}

/** The zip's bytes: `<name>/config.json`, `<name>/model.safetensors`, `<name>/README.md`. */
export async function hfFolderZip(name: string, files: MergeFiles, readme: string): Promise<Uint8Array> {
  const model = new Uint8Array(await files.model.arrayBuffer());
  return zipSync({
    [name]: {
      'config.json': strToU8(files.configJson),
      'model.safetensors': [model, { level: 0 }],
      'README.md': strToU8(readme),
    },
  });
}
