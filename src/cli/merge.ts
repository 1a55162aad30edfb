/**
 * `mergelab merge --method <id> --pretrained <dir> --experts <dir>... [--param name=value]... [--retrieved <expert>] --out <dir>`
 * Merges the experts into the pretrained model with one closed-form method, streaming tensor by
 * tensor, and writes a Hugging Face folder (config.json + model.safetensors with the method,
 * parameters and inputs in its metadata). With consensus, --retrieved writes that expert's
 * TALL-mask retrieved model θ0 + mt ⊙ τ_MTL instead. Progress goes to stderr; a JSON summary to stdout.
 */
import { MergelabError } from '../engine/errors';
import { openCheckpointPath } from '../engine/model/clip-vit/open-checkpoint-path.node.js';
import { mergeToFolder } from '../engine/merge/folder.node.js';
import { parseGivenArgs } from '../engine/merge/params';
import { METHODS } from '../engine/merge/registry';
import { resolveChoice, type MergeChoice } from '../engine/merge/request';
import type { MergeProgress } from '../engine/merge/task-vector-merge';

const methodHelp = () => METHODS.map((m) => `  ${m.id.padEnd(16)}${m.params.map((f) => `${f.name}=${f.default}`).join(' ') || '(no parameters)'}`).join('\n');

const USAGE = () => `usage: mergelab merge --method <id> --pretrained <dir> --experts <dir>... [--param name=value]... [--retrieved <expert>] --out <dir>
  --method      merge method (parameters and defaults):
${methodHelp()}
  --pretrained  the pretrained checkpoint (folder, .safetensors or PyTorch .bin/.pt/.pth file)
  --experts     the fine-tuned checkpoints, one or more
  --param       a method parameter, e.g. --param lambda=0.3 (repeatable)
  --retrieved   consensus only: write this expert's retrieved model θ0 + mt ⊙ τ_MTL (TALL mask mt,
                no α) instead of the merge; the expert by position (1 = first --experts) or name
  --out         output folder (config.json + model.safetensors)`;

export interface Output {
  write(s: string): unknown;
}

interface MergeArgs {
  method: string;
  pretrained: string;
  experts: string[];
  params: string[];
  out: string;
  retrieved: string;
}

const usage = (problem: string) => new MergelabError('usage', problem, USAGE());

function parseArgs(args: string[]): MergeArgs {
  const a: MergeArgs = { method: '', pretrained: '', experts: [], params: [], out: '', retrieved: '' };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = () => {
      if (i + 1 >= args.length || args[i + 1].startsWith('--')) throw usage(`${flag} needs a value.`);
      return args[++i];
    };
    if (flag === '--method') a.method = value();
    else if (flag === '--pretrained') a.pretrained = value();
    else if (flag === '--out') a.out = value();
    else if (flag === '--param') a.params.push(value());
    else if (flag === '--retrieved') a.retrieved = value();
    else if (flag === '--experts') {
      a.experts.push(value());
      while (i + 1 < args.length && !args[i + 1].startsWith('--')) a.experts.push(args[++i]);
    } else throw usage(flag.startsWith('-') ? `unknown option ${flag}.` : `unexpected argument ${flag}.`);
  }
  const missing = (['method', 'pretrained', 'out'] as const).filter((k) => !a[k]).map((k) => `--${k}`);
  if (!a.experts.length) missing.push('--experts');
  if (missing.length) throw usage(`missing ${missing.join(', ')}.`);
  return a;
}

/** One stderr line per finished pass (scan passes, the merge pass) and one when the file is complete. */
function progressPrinter(err: Output): (p: MergeProgress) => void {
  const t0 = performance.now();
  return (p) => {
    if (p.tensor !== p.tensors) return;
    const what = p.stage === 'write' ? 'written' : `${p.stage} pass ${p.pass}/${p.passes} done`;
    err.write(`${what}: ${(p.bytesRead / 1e9).toFixed(2)} GB read, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  };
}

/** --retrieved's expert: a 1-based position, or a name or path as given to --experts. */
function expertIndex(v: string, paths: readonly string[], names: readonly string[]): number {
  if (/^[0-9]+$/.test(v)) return Number(v) - 1; // range checked with the request
  const i = names.indexOf(v) >= 0 ? names.indexOf(v) : paths.indexOf(v);
  if (i < 0) throw usage(`--retrieved ${v}: no such expert (experts: ${names.join(', ')}).`);
  return i;
}

export async function run(args: string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    out.write(`${USAGE()}\n`);
    return 0;
  }
  const a = parseArgs(args);
  const choice: MergeChoice = { method: a.method, params: parseGivenArgs(a.method, a.params) };
  resolveChoice(choice); // a bad method or parameter fails before any checkpoint is opened
  const t0 = performance.now();
  const pretrained = await openCheckpointPath(a.pretrained);
  const experts = [];
  for (const e of a.experts) experts.push(await openCheckpointPath(e));
  const retrieved = a.retrieved ? expertIndex(a.retrieved, a.experts, experts.map((e) => e.name)) : undefined;
  const result = await mergeToFolder(a.out, { pretrained, experts, ...choice, retrieved }, { onProgress: progressPrinter(err) });
  const seconds = (performance.now() - t0) / 1000;
  for (const note of result.notes) err.write(`note: ${note}\n`);
  const summary = {
    out: a.out, method: result.method, params: result.params, ...(retrieved !== undefined ? { retrieved: experts[retrieved].name } : {}), inputs: result.inputs, notes: result.notes,
    passes: result.passes, bytesRead: Math.round(result.bytesRead), bytesWritten: result.bytesWritten, seconds: Number(seconds.toFixed(3)),
  };
  out.write(`${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}
