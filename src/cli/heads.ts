/**
 * `mergelab heads MODEL_DIR TASKS.json OUT.safetensors`: zero-shot classification heads from the
 * text tower of a model folder. TASKS.json is {"tasks": [{"name", "classes": […], "templates":
 * ["a photo of a {}.", …]}]} ("{}" marks the class); a task without classes takes the standard
 * task registry's classes (and templates), a task without templates the registry's or else
 * "a photo of a {}.". Writes one F32 [C, P] tensor per task, named by the task.
 */
import { MergelabError } from '../engine/errors';
import { initNodeBackend } from '../engine/wasm-threads.node.js';
import { checkOutputFile } from '../engine/io/fs-guard.node.js';
import { writeSafetensors } from '../engine/io/safetensors';
import { nodeFileSink } from '../engine/merge/file-sink.node.js';
import { openTextModelPath } from '../engine/model/clip-text/open-text-model-path.node.js';
import { buildZeroShotHeads, type HeadRequest } from '../engine/model/zero-shot-heads';
import { STANDARD_TASKS, findTask } from '../engine/tasks/registry';
import { readJsonInput, stringList } from './json-input';
import type { Output } from './main';

const USAGE = 'usage: mergelab heads MODEL_DIR TASKS.json OUT.safetensors   (TASKS.json: {"tasks": [{"name", "classes": […], "templates": ["a photo of a {}.", …]}]})';
const SHAPE = '{"tasks": [{"name": "mnist"}, {"name": "mine", "classes": ["cat", "dog"], "templates": ["a photo of a {}."]}]}';
export const DEFAULT_TEMPLATE = 'a photo of a {}.';

/** TASKS.json → head requests, the registry filling what a task leaves out. */
export function parseTasks(json: Record<string, unknown>, path: string): HeadRequest[] {
  const tasks = json.tasks;
  if (!Array.isArray(tasks) || !tasks.length) throw new MergelabError('input', `${path}: "tasks" must be a non-empty list.`, `Write the file as ${SHAPE}.`);
  return tasks.map((t, i) => {
    if (!t || typeof t !== 'object' || Array.isArray(t) || typeof (t as { name?: unknown }).name !== 'string' || !(t as { name: string }).name) {
      throw new MergelabError('input', `${path}: task ${i} has no "name".`, `Give every task a name: ${SHAPE}.`);
    }
    const { name, classes, templates } = t as { name: string; classes?: unknown; templates?: unknown };
    const known = findTask(name);
    if (classes === undefined && !known) {
      throw new MergelabError('input', `${path}: task "${name}" lists no classes and is not a standard task.`,
        `Give its "classes", or use a standard task's name: ${STANDARD_TASKS.map((s) => s.name).join(', ')}.`);
    }
    return {
      name,
      classes: classes === undefined ? known!.classes : stringList(classes, path, `tasks[${i}].classes`, SHAPE),
      templates: templates === undefined ? (known?.templates ?? [DEFAULT_TEMPLATE]) : stringList(templates, path, `tasks[${i}].templates`, SHAPE),
    };
  });
}

export async function run(args: string[], out: Output = process.stdout): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = args.filter((a) => a.startsWith('-'));
  if (unknown.length) throw new MergelabError('usage', `unknown option ${unknown[0]}.`, USAGE);
  if (args.length !== 3) throw new MergelabError('usage', `expected 3 paths (model folder, tasks, output), got ${args.length}.`, USAGE);
  const [modelDir, tasksPath, outPath] = args;
  const requests = parseTasks(await readJsonInput(tasksPath, SHAPE), tasksPath);
  await checkOutputFile(outPath);
  const { backend } = await initNodeBackend();
  const model = await openTextModelPath(modelDir);
  let heads;
  try {
    heads = await buildZeroShotHeads(model, requests);
  } finally {
    model.dispose();
  }
  const specs = requests.map((r) => ({ name: r.name, dtype: 'F32' as const, shape: [r.classes.length, model.config.projectionDim] }));
  const sink = await nodeFileSink(outPath);
  try {
    await writeSafetensors(sink, specs, (s) => heads.get(s.name)!.weight, { format: 'pt', model: model.name });
  } catch (e) {
    await sink.abort?.();
    throw e;
  }
  out.write(`wrote ${outPath}: ${specs.map((s) => `${s.name} [${s.shape.join(', ')}]`).join(', ')} (${backend})\n`);
  return 0;
}
