/**
 * `mergelab text MODEL_DIR PROMPTS.json OUT.safetensors [--ids IDS.json]`: runs the CLIP text tower
 * of a model folder on the prompts of PROMPTS.json ({"prompts": ["…", …]}) and writes
 * `text_embeds` [N, P] (the projection output, not normalised) and `pooler_output` [N, D], F32;
 * `--ids` also writes the token ids ({"input_ids": [[…], …]}, unpadded, start and end included).
 */
import { writeFile } from 'node:fs/promises';
import { initNodeBackend } from '../engine/wasm-threads.node.js';
import { MergelabError } from '../engine/errors';
import { checkOutputFile } from '../engine/io/fs-guard.node.js';
import { writeSafetensors } from '../engine/io/safetensors';
import { nodeFileSink } from '../engine/merge/file-sink.node.js';
import { openTextModelPath } from '../engine/model/clip-text/open-text-model-path.node.js';
import { readJsonInput, stringList } from './json-input';
import type { Output } from './main';

const USAGE = 'usage: mergelab text MODEL_DIR PROMPTS.json OUT.safetensors [--ids IDS.json]   (PROMPTS.json: {"prompts": ["…", …]})';
const SHAPE = '{"prompts": ["a photo of a cat.", …]}';
const BATCH = 64;

export async function run(args: string[], out: Output = process.stdout): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const rest = [...args];
  let idsPath: string | undefined;
  const i = rest.indexOf('--ids');
  if (i >= 0) {
    idsPath = rest[i + 1];
    if (!idsPath || idsPath.startsWith('-')) throw new MergelabError('usage', '--ids needs the path of the JSON file to write.', USAGE);
    rest.splice(i, 2);
  }
  const unknown = rest.filter((a) => a.startsWith('-'));
  if (unknown.length) throw new MergelabError('usage', `unknown option ${unknown[0]}.`, USAGE);
  if (rest.length !== 3) throw new MergelabError('usage', `expected 3 paths (model folder, prompts, output), got ${rest.length}.`, USAGE);
  const [modelDir, promptsPath, outPath] = rest;
  const prompts = stringList((await readJsonInput(promptsPath, SHAPE)).prompts, promptsPath, 'prompts', SHAPE);
  if (!prompts.length) throw new MergelabError('input', `${promptsPath}: "prompts" is empty.`, `Give at least one prompt: ${SHAPE}.`);
  await checkOutputFile(outPath);
  if (idsPath) await checkOutputFile(idsPath);

  const { backend } = await initNodeBackend();
  const model = await openTextModelPath(modelDir);
  const { projectionDim: P, hiddenSize: D } = model.config;
  const N = prompts.length;
  const ids = prompts.map((p) => model.tokenizer.encode(p));
  const textEmbeds = new Float32Array(N * P);
  const pooled = new Float32Array(N * D);
  try {
    for (let s = 0; s < N; s += BATCH) {
      const r = await model.embed(ids.slice(s, s + BATCH));
      textEmbeds.set(r.textEmbeds, s * P);
      pooled.set(r.pooled, s * D);
    }
  } finally {
    model.dispose();
  }
  const sink = await nodeFileSink(outPath);
  try {
    await writeSafetensors(sink, [{ name: 'text_embeds', dtype: 'F32', shape: [N, P] }, { name: 'pooler_output', dtype: 'F32', shape: [N, D] }],
      (spec) => (spec.name === 'text_embeds' ? textEmbeds : pooled), { format: 'pt', model: model.name });
  } catch (e) {
    await sink.abort?.();
    throw e;
  }
  if (idsPath) await writeFile(idsPath, `${JSON.stringify({ input_ids: ids })}\n`);
  out.write(`wrote ${outPath}: text_embeds [${N}, ${P}], pooler_output [${N}, ${D}]${idsPath ? `; ids to ${idsPath}` : ''} (${backend})\n`);
  return 0;
}
