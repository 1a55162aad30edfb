/**
 * A merged checkpoint as one zip of its Hugging Face folder: config.json,
 * model.safetensors (stored, not deflated: float weights barely compress), and a README.md model
 * card with the method, resolved parameters and the inputs' names, sizes and fingerprints from
 * the file's own metadata. Zipped with fflate; no DOM, so Node tests read it back.
 */
import { strToU8, Zip, ZipPassThrough } from 'fflate';
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

const CHUNK = 1 << 20;

/**
 * The zip of `<name>/config.json`, `<name>/README.md` and `<name>/model.safetensors`, streamed:
 * the model is read and checksummed in 1 MiB slices with a yield between them, so the page stays
 * responsive and `onProgress` can show how far it is (bytes of the model done, total).
 */
export async function hfFolderZip(name: string, files: MergeFiles, readme: string, onProgress?: (done: number, total: number) => void): Promise<Blob> {
  const parts: Uint8Array[] = [];
  let settle!: { resolve(): void; reject(e: Error): void };
  const finished = new Promise<void>((resolve, reject) => { settle = { resolve, reject }; });
  const zip = new Zip((err, chunk, final) => {
    if (err) return settle.reject(err);
    parts.push(chunk);
    if (final) settle.resolve();
  });
  const small = (path: string, text: string) => {
    const f = new ZipPassThrough(path);
    zip.add(f);
    f.push(strToU8(text), true);
  };
  small(`${name}/config.json`, files.configJson);
  small(`${name}/README.md`, readme);
  const model = new ZipPassThrough(`${name}/model.safetensors`);
  zip.add(model);
  const total = files.model.size;
  for (let at = 0; at < total || at === 0; at += CHUNK) {
    const end = Math.min(total, at + CHUNK);
    model.push(new Uint8Array(await files.model.slice(at, end).arrayBuffer()), end >= total);
    onProgress?.(end, total);
    if (end >= total) break;
    await new Promise((r) => setTimeout(r, 0)); // a macrotask: input and paint get a turn (an in-memory Blob's read may not yield)
  }
  zip.end();
  await finished;
  return new Blob(parts as Uint8Array<ArrayBuffer>[], { type: 'application/zip' });
}
