/**
 * `mergelab inspect <path>`: recognises a checkpoint (folder, .safetensors or PyTorch .bin/.pt/.pth file) and prints a JSON
 * summary: format, layout, config, parameter count, dtypes, notes, and every canonical tensor with
 * its shape and stored dtype. When recognition fails it still prints JSON (`ok: false`, the error
 * and every problem), with message + hint on stderr, and exits 1.
 */
import { CheckpointMismatchError, MergelabError, toErrorInfo } from '../engine/errors';
import { openCheckpointPath } from '../engine/model/clip-vit/open-checkpoint-path.node.js';
import type { RecognisedCheckpoint } from '../engine/model/clip-vit/open-checkpoint';
import { summarize } from '../engine/model/clip-vit/summary';
import type { Output } from './main';

const USAGE = 'usage: mergelab inspect <path>   (a checkpoint folder, a .safetensors file or a PyTorch .bin/.pt/.pth file)';

function describe(ck: RecognisedCheckpoint) {
  return ck.params.map((p) => {
    const src = ck.sources.get(p.name)!;
    const t = src.transform;
    const how = !t ? '' : t.kind === 'transpose' ? ' (transposed)' : ` (rows ${t.index + 1} of ${t.of})`;
    return { name: p.name, shape: p.shape, dtype: src.dtype, ...(src.tensor !== p.name || t ? { stored: src.tensor + how } : {}) };
  });
}

export async function run(args: string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = args.filter((a) => a.startsWith('-'));
  if (unknown.length) throw new MergelabError('usage', `unknown option ${unknown[0]}.`, USAGE);
  if (args.length !== 1) throw new MergelabError('usage', args.length ? `expected one path, got ${args.length}.` : 'give the path of a checkpoint.', USAGE);
  const path = args[0];
  let ck: RecognisedCheckpoint;
  try {
    ck = await openCheckpointPath(path);
  } catch (e) {
    if (!(e instanceof MergelabError)) throw e;
    const problems = e instanceof CheckpointMismatchError ? e.problems : [e.message];
    out.write(`${JSON.stringify({ path, ok: false, error: toErrorInfo(e), problems }, null, 2)}\n`);
    err.write(`mergelab inspect: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`);
    return 1;
  }
  out.write(`${JSON.stringify({ path, ok: true, ...summarize(ck), tensors: describe(ck), problems: [] }, null, 2)}\n`);
  return 0;
}
