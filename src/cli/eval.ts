/**
 * `mergelab eval <suiteDir> [--method <id>] [--param name=value]... [--sample N [--seed S] | --limit N] [--batch-size N] [--json <file>]`
 * Scores the suite's pretrained model on every task, each expert on its own task and, with
 * --method, the merge of the suite's experts (built in memory, never written to disk): top-1
 * accuracy and normalised accuracy (÷ individual) in percent, printed as a table and written as
 * JSON {suite, method, params, limit, sample, tasks: {<task>: {images, total, sampled, pretrained,
 * individual, merged}}, average, seconds}. By default every test image; --sample N a seeded
 * class-stratified sample of N per task ("sampled N of M" in the table); --limit N the first N.
 */
import { writeFile } from 'node:fs/promises';
import { checkOutputFile } from '../engine/io/fs-guard.node.js';
import { initNodeBackend } from '../engine/wasm-threads.node.js';
import { openSuiteDir } from '../engine/data/suite-dir.node.js';
import { MergelabError } from '../engine/errors';
import { type EvalReport, type Score, SuiteEvaluator, type TaskAccuracy, buildReport } from '../engine/eval/evaluate';
import { mergeToParamMap } from '../engine/merge/in-memory';
import { parseGivenArgs } from '../engine/merge/params';
import { resolveChoice, type MergeChoice } from '../engine/merge/request';
import type { MergeParams } from '../engine/merge/types';
import { disposeParams } from '../engine/params/param-map';
import type { Output } from './main';
import { headsProgress } from './suite-progress';

const USAGE = `usage: mergelab eval <suiteDir> [--method <id>] [--param name=value]... [--sample N [--seed S] | --limit N] [--batch-size N] [--json <file>]
  --method      merge the suite's experts with this method (average, task_arithmetic, ties, dare, consensus)
  --param       a method parameter, e.g. --param lambda=0.3 (repeatable)
  --sample      score a class-stratified sample of N test images per task (default: every image)
  --seed        the sample's seed (default 0)
  --limit       score only the first N images of each task
  --batch-size  images per forward pass (default 32)
  --json        write the results as JSON to this file`;

interface EvalArgs {
  suite: string;
  method: string | null;
  params: string[];
  limit: number | null;
  sample: number | null;
  seed: number;
  batchSize: number;
  json: string | null;
}

const usage = (problem: string) => new MergelabError('usage', problem, USAGE);

function parseArgs(args: string[]): EvalArgs {
  const out: EvalArgs = { suite: '', method: null, params: [], limit: null, sample: null, seed: 0, batchSize: 32, json: null };
  const positive = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw usage(`${flag} needs a positive integer, got ${JSON.stringify(v ?? '')}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      if (i + 1 >= args.length) throw usage(`${a} needs a value`);
      return args[++i];
    };
    if (a === '--method') out.method = value();
    else if (a === '--param') out.params.push(value());
    else if (a === '--limit') out.limit = positive(a, value());
    else if (a === '--sample') out.sample = positive(a, value());
    else if (a === '--seed') {
      const v = value();
      out.seed = Number(v);
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(out.seed)) throw usage(`--seed needs a whole number, got ${JSON.stringify(v)}`);
    }
    else if (a === '--batch-size') out.batchSize = positive(a, value());
    else if (a === '--json') out.json = value();
    else if (a.startsWith('--')) throw usage(`unknown option ${a}`);
    else if (!out.suite) out.suite = a;
    else throw usage(`unexpected argument ${a}`);
  }
  if (!out.suite) throw usage('give the suite folder');
  if (out.params.length && !out.method) throw usage('--param needs --method');
  if (out.sample !== null && out.limit !== null) throw usage('give --sample (a stratified sample) or --limit (the first images), not both');
  if (out.seed !== 0 && out.sample === null) throw usage('--seed needs --sample');
  return out;
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(2));
const cell = (s: Score | undefined) => (s ? `${pct(s.accuracy)} (${pct(s.normalized)})` : '');

function table(r: EvalReport): string {
  const head = ['task', 'images', 'pretrained (norm)', 'individual', ...(r.average.merged ? ['merged (norm)'] : [])];
  const rows = Object.entries(r.tasks).map(([t, x]) => [t, x.sampled ? `sampled ${x.images} of ${x.total}` : String(x.images), cell(x.pretrained), pct(x.individual.accuracy), ...(x.merged ? [cell(x.merged)] : [])]);
  rows.push(['average', '', cell(r.average.pretrained), pct(r.average.individual.accuracy), ...(r.average.merged ? [cell(r.average.merged)] : [])]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  return [head, ...rows].map((row) => row.map((v, c) => v.padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

export async function run(args: string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const a = parseArgs(args);
  // Check the method and its parameters before any work, so a typo fails at once (usage error);
  // the merge resolves them (once) and reports them resolved.
  const choice: MergeChoice | null = a.method ? { method: a.method, params: parseGivenArgs(a.method, a.params) } : null;
  if (choice) resolveChoice(choice);
  if (a.json) await checkOutputFile(a.json); // a --json that cannot be written fails now, not after the work
  const t0 = performance.now();
  await initNodeBackend();
  const suite = await openSuiteDir(a.suite, headsProgress(err));
  for (const note of suite.notes) err.write(`note: ${note}\n`);
  const ev = new SuiteEvaluator(suite);
  const opts = {
    limit: a.limit ?? undefined,
    sample: a.sample !== null ? { size: a.sample, seed: a.seed } : undefined,
    batchSize: a.batchSize,
    onProgress: (p: { stage: string; task: string; done: number; total: number; imagesPerSecond: number }) => {
      if (p.done === p.total) err.write(`${p.stage} ${p.task}: ${p.total} images, ${p.imagesPerSecond.toFixed(1)} images/s\n`);
    },
  };
  try {
    const refs = await ev.references(opts);
    let merged: TaskAccuracy | undefined;
    let params: MergeParams = {};
    if (choice) {
      const m = await mergeToParamMap({ pretrained: suite.pretrained, experts: [...suite.experts.values()], ...choice });
      for (const note of m.notes) err.write(`note: ${note}\n`);
      params = m.params;
      try {
        merged = await ev.score({ key: JSON.stringify([m.method, m.params]), params: m.weights }, opts);
      } finally {
        disposeParams(m.weights);
      }
    }
    const report = buildReport(suite, refs, merged);
    out.write(`${table(report)}\n`);
    if (a.json) {
      const json = { suite: report.suite, method: a.method, params, limit: a.limit, sample: a.sample !== null ? { size: a.sample, seed: a.seed } : null, tasks: report.tasks, average: report.average, seconds: (performance.now() - t0) / 1000 };
      await writeFile(a.json, `${JSON.stringify(json, null, 2)}\n`);
    }
    return 0;
  } finally {
    ev.dispose();
  }
}
