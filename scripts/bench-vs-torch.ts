/**
 * mergelab against PyTorch on the same CPU, side by side in one run: a CLIP ViT-B/32 forward
 * (images/s at batch 8 and 32) and one step of every trained method — AdaMerging task- and
 * layer-wise, Representation Surgery, IntervMerge, Model Tinting — at ViT-B/32 shapes (random
 * weights of `gen:vitb32`, a reduced task count and batch so a run fits minutes) and on the demo
 * zoo (its 8 checkpoints, its method batches). Ours runs the engine's own method classes in this
 * process (WASM, initNodeBackend's threads); PyTorch runs scripts/bench-vs-torch/torch_bench.py —
 * the same tower and losses on the same files (weights, pixels, heads, teachers, initial values),
 * with torch.set_num_threads = our thread count — right after each of our rows, so both see the
 * same load. Each row also prints the first step's loss (forward: the mean embedding) on both
 * sides: equal values say both computed the same thing.
 *
 *   npm run --silent bench:vs-torch -- [--threads N] [--tasks 2] [--batch 4] [--only forward,adamerging-tw,…]
 *                                      [--skip-zoo] [--skip-vitb32] [--no-write] [--profile]
 *
 * Writes the table to docs/benchmarks.md ("Side by side with PyTorch", between the vs-torch
 * markers) unless --no-write. Without PyTorch (Debian: `apt-get install python3-torch`) it says so
 * and exits 0.
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveTrainedParams } from '../src/engine/catalogue';
import { arrayImages } from '../src/engine/data/task-images';
import { randomHead, randomImages } from '../src/engine/data/tiny-suite.node.js';
import { memorySink, writeSafetensors } from '../src/engine/io/safetensors';
import type { Checkpoint } from '../src/engine/model/clip-vit/checkpoint';
import { VIT_B_32, type ClipVisionConfig } from '../src/engine/model/clip-vit/config';
import { clipVisionForward, disposeOutput } from '../src/engine/model/clip-vit/forward';
import { loadParams } from '../src/engine/model/clip-vit/load';
import { openCheckpointPath } from '../src/engine/model/clip-vit/open-checkpoint-path.node.js';
import { disposeParams } from '../src/engine/params/param-map';
import { createRng } from '../src/engine/random';
import { AdaMergingModel } from '../src/engine/trained/adamerging';
import { MergeCoefficients } from '../src/engine/trained/coefficients';
import { IntervMergeModel } from '../src/engine/trained/intervmerge';
import { SurgeryModel } from '../src/engine/trained/surgery';
import { TintingModel } from '../src/engine/trained/tinting';
import type { TrainedModel } from '../src/engine/trained/types';
import { PixelBank } from '../src/engine/train/data';
import { patchWasmTransposedMatMul } from '../src/engine/train/wasm-matmul';
import { initNodeBackend } from '../src/engine/wasm-threads.node.js';
import { writeCheckpoint } from './gen-vitb32';

const PY = '/usr/bin/python3';
const TORCH = 'scripts/bench-vs-torch/torch_bench.py';
const DOC = 'docs/benchmarks.md';
const CACHE = '.cache/vs-torch';
const SCALE = 100; // logit scale of the frozen heads (CLIP's)
const C = 10; // classes per head
const ROWS = ['forward', 'adamerging-tw', 'adamerging-lw', 'surgery', 'intervmerge', 'tinting'] as const;
type RowKind = typeof ROWS[number];

interface Opts { threads: number; tasks: number; batch: number; only: Set<RowKind>; zoo: boolean; vitb32: boolean; write: boolean; profile: boolean }

function parseArgs(argv: string[]): Opts {
  const o: Opts = { threads: availableParallelism(), tasks: 2, batch: 4, only: new Set(ROWS), zoo: true, vitb32: true, write: true, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--threads') { o.threads = Number(v); i++; }
    else if (argv[i] === '--tasks') { o.tasks = Number(v); i++; }
    else if (argv[i] === '--batch') { o.batch = Number(v); i++; }
    else if (argv[i] === '--only') { o.only = new Set(v.split(',') as RowKind[]); i++; }
    else if (argv[i] === '--skip-zoo') o.zoo = false;
    else if (argv[i] === '--skip-vitb32') o.vitb32 = false;
    else if (argv[i] === '--no-write') o.write = false;
    else if (argv[i] === '--profile') o.profile = true;
    else throw new Error(`unknown argument ${argv[i]} (options: --threads N, --tasks T, --batch B, --only ${ROWS.join(',')}, --skip-zoo, --skip-vitb32, --no-write, --profile)`);
  }
  for (const k of o.only) if (!ROWS.includes(k)) throw new Error(`--only: unknown row "${k}" (rows: ${ROWS.join(', ')})`);
  if (![o.threads, o.tasks, o.batch].every((n) => Number.isInteger(n) && n >= 1)) throw new Error('--threads, --tasks and --batch need whole numbers ≥ 1');
  return o;
}

/** This process's niceness (PyTorch runs at the same), from /proc where there is one. */
function niceness(): string {
  try {
    return readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[16];
  } catch {
    return 'unknown';
  }
}

/** Whether /usr/bin/python3 imports torch; the reason when it does not. */
function torchMissing(): string | null {
  const r = spawnSync(PY, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (r.error) return `${PY} is missing (${r.error.message})`;
  return r.status === 0 ? null : (r.stderr.trim().split('\n').at(-1) ?? 'import torch failed');
}

/** A model family to compare on: the pool's folders, its config, the sizes of each method's step. */
interface Family {
  label: string;
  pretrained: string;
  experts: string[];
  config: ClipVisionConfig;
  /** Images per step: forward batches, and the bank of each method (a step takes min(method batch, bank)). */
  forwardBatches: number[];
  /** Forward: warm-up passes and timed passes. */
  forwardWarm: number;
  forwardRuns: number;
  bank: number;
  warm: number;
  steps: number;
}

async function vitb32Family(o: Opts): Promise<Family> {
  const dir = '.cache/vitb32/pool';
  for (let k = 0; k <= o.tasks; k++) await writeCheckpoint(join(dir, k ? `expert-${k}` : 'pretrained'), VIT_B_32, 0, k);
  return { label: 'ViT-B/32', pretrained: join(dir, 'pretrained'), experts: Array.from({ length: o.tasks }, (_, k) => join(dir, `expert-${k + 1}`)), config: VIT_B_32, forwardBatches: [8, 32], forwardWarm: 0, forwardRuns: 1, bank: o.batch, warm: 0, steps: 1 };
}

async function zooFamily(): Promise<Family> {
  const root = 'public/zoo/mini8/models';
  const tasks = ['scenes', 'fashion', 'digits', 'signs', 'aerial', 'textures', 'landcover', 'housenums'];
  const ck = await openCheckpointPath(join(root, 'pretrained'));
  return { label: 'zoo', pretrained: join(root, 'pretrained'), experts: tasks.map((t) => join(root, t)), config: ck.config, forwardBatches: [32], forwardWarm: 1, forwardRuns: 2, bank: 32, warm: 1, steps: 3 };
}

/** The shared inputs of a family, written for PyTorch and kept for ours: pixels [n, 3, S, S] (CLIP-preprocessed random images), one head [C, P], teachers, logits. */
async function inputs(f: Family, n: number, P: number): Promise<{ bank: PixelBank; bankOf(k: number): Promise<PixelBank>; head: Float32Array; teacher: Float32Array; logits: Float32Array; tensors: Map<string, { shape: number[]; data: Float32Array }> }> {
  const S = f.config.imageSize;
  const images = arrayImages('t', 'random', randomImages(n, S, S, 3, 1), [n, S, S, 3], new Int32Array(n), C);
  const bank = await PixelBank.load(images, S);
  const bankOf = (k: number) => PixelBank.load(images, S, k); // the first k images: a method's whole batch, so both sides see the same images
  const rng = createRng(2);
  const head = randomHead(C, P, 3);
  const teacher = Float32Array.from({ length: n * P }, () => rng.normal());
  const logits = Float32Array.from({ length: n * C }, () => 3 * rng.normal());
  const px = bank.batch(Array.from({ length: n }, (_, i) => i));
  const tensors = new Map([
    ['pixels', { shape: px.shape, data: (await px.data()) as Float32Array }],
    ['head', { shape: [C, P], data: head }],
    ['teacher', { shape: [n, P], data: teacher }],
    ['individual_logits', { shape: [n, C], data: logits }],
  ]);
  px.dispose();
  return { bank, bankOf, head, teacher, logits, tensors };
}

async function writeInputs(file: string, tensors: Map<string, { shape: number[]; data: Float32Array }>): Promise<void> {
  const sink = memorySink();
  const names = [...tensors.keys()];
  await writeSafetensors(sink, names.map((name) => ({ name, dtype: 'F32' as const, shape: tensors.get(name)!.shape })), (s) => tensors.get(s.name)!.data);
  writeFileSync(file, sink.bytes());
}

/**
 * Times `steps` steps after `warm` ones: ms per timed step and the very first step's loss. With
 * a `profile` label (--profile), one more step runs under tf.profile and stderr gets its kernel count, the kernels' own
 * time against the step's wall time (the rest is tfjs's per-op cost in JavaScript and host work),
 * and the five costliest kernels.
 */
async function timeSteps(m: TrainedModel, warm: number, steps: number, profile: string | null): Promise<{ ms: number; loss: number }> {
  let first: number | null = null;
  for (let i = 0; i < warm; i++) { const v = await m.step(i); first ??= v; }
  const t0 = performance.now();
  for (let i = warm; i < warm + steps; i++) { const v = await m.step(i); first ??= v; }
  const ms = (performance.now() - t0) / steps;
  if (profile !== null) {
    const w0 = performance.now();
    const p = await tf.profile(async () => { await m.step(warm + steps); });
    const wall = performance.now() - w0;
    const per = new Map<string, { n: number; ms: number }>();
    for (const k of p.kernels) { const e = per.get(k.name) ?? { n: 0, ms: 0 }; e.n++; e.ms += Number(k.kernelTimeMs) || 0; per.set(k.name, e); }
    const own = [...per.values()].reduce((a, e) => a + e.ms, 0);
    const top = [...per].sort((a, b) => b[1].ms - a[1].ms).slice(0, 5).map(([k, e]) => `${k} ×${e.n} ${e.ms.toFixed(1)} ms`).join(', ');
    process.stderr.write(`profile ${profile}: one step ${wall.toFixed(1)} ms wall under tf.profile, ${p.kernels.length} kernels whose own time sums to ${own.toFixed(1)} ms (${(100 * own / wall).toFixed(0)} %); ${top}\n`);
  }
  return { ms, loss: first ?? NaN };
}

interface Row { family: string; what: string; sizes: string; unit: 'img/s' | 'ms/step'; images: number; ours: { ms: number; loss: number }; torch: { ms: number; loss: number } | null; load: string }

function runTorch(spec: object, file: string): { ms: number; loss: number } | null {
  writeFileSync(file, JSON.stringify(spec));
  // PyTorch inherits this process's niceness: an extra `nice` here would give it less CPU than ours on a shared machine.
  const r = spawnSync(PY, [TORCH, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (r.status !== 0 || !line) {
    process.stderr.write(`PyTorch failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}\n`);
    return null;
  }
  const j = JSON.parse(line) as { ms: number; loss: number };
  return { ms: j.ms, loss: j.loss };
}

async function family(f: Family, o: Opts, rows: Row[]): Promise<void> {
  mkdirSync(CACHE, { recursive: true });
  const tag = f.label === 'zoo' ? 'zoo' : 'vitb32';
  const P = f.config.projectionDim ?? f.config.hiddenSize;
  const n = Math.max(f.bank, ...f.forwardBatches);
  const inp = await inputs(f, n, P);
  const inputsFile = resolve(CACHE, `${tag}-inputs.safetensors`);
  const specFile = resolve(CACHE, `${tag}-spec.json`);
  const pool = { pretrained: resolve(f.pretrained), experts: f.experts.map((e) => resolve(e)) };
  const base = { threads: o.threads };
  const lr = (m: string) => resolveTrainedParams(m).lr as number;
  const load = () => loadavg()[0].toFixed(1);
  const push = (what: string, sizes: string, unit: Row['unit'], images: number, ours: { ms: number; loss: number }, torchRow: object) => {
    const l0 = load();
    process.stderr.write(`${f.label} ${what}: ours ${ours.ms.toFixed(0)} ms (loss ${ours.loss.toPrecision(6)}); PyTorch…\n`);
    const torch = runTorch({ ...base, rows: [{ id: what, ...torchRow }] }, specFile);
    rows.push({ family: f.label, what, sizes, unit, images, ours, torch, load: `${l0}–${load()}` });
    process.stderr.write(`  PyTorch ${torch ? `${torch.ms.toFixed(0)} ms (loss ${torch.loss.toPrecision(6)})` : 'failed'}\n`);
  };
  const pretrained = await openCheckpointPath(f.pretrained);
  const experts = (k: number): Promise<Checkpoint[]> => Promise.all(f.experts.slice(0, k).map((e) => openCheckpointPath(e)));
  const T = f.experts.length;
  const names = Array.from({ length: T }, (_, t) => `t${t}`);
  const head = { task: 't', numClasses: C, dim: P, weight: inp.head };
  await writeInputs(inputsFile, inp.tensors);

  if (o.only.has('forward')) {
    const params = await loadParams(pretrained);
    for (const B of f.forwardBatches) {
      const px = inp.bank.batch(Array.from({ length: B }, (_, i) => i));
      const once = async () => { const t0 = performance.now(); const out = clipVisionForward(params, f.config, px); const z = (await out.imageEmbeds!.data()) as Float32Array; disposeOutput(out); return { ms: performance.now() - t0, mean: z.reduce((s, v) => s + v, 0) / z.length }; };
      const runs: { ms: number; mean: number }[] = [];
      for (let r = 0; r < f.forwardWarm + f.forwardRuns; r++) runs.push(await once());
      px.dispose();
      const timedRuns = runs.slice(f.forwardWarm);
      push(`forward, batch ${B}`, `${B} images of ${f.config.imageSize}²`, 'img/s', B, { ms: timedRuns.reduce((s, r) => s + r.ms, 0) / timedRuns.length, loss: runs[0].mean }, { kind: 'forward', model: pool.pretrained, inputs: inputsFile, batch: B, warm: f.forwardWarm, runs: f.forwardRuns });
    }
    disposeParams(params);
  }
  // Each method's bank holds exactly one of its batches (min(method batch, family bank)): a step then takes all of it, as PyTorch does.
  const trainRow = (batch: number) => ({ ...pool, inputs: inputsFile, batch, scale: SCALE, warm: f.warm, steps: f.steps });
  const rng = () => createRng(5);
  for (const g of ['task', 'layer'] as const) {
    if (!o.only.has(g === 'task' ? 'adamerging-tw' : 'adamerging-lw')) continue;
    const B = Math.min(16, f.bank);
    const bank = await inp.bankOf(B);
    const c = await MergeCoefficients.fromPool(pretrained, await experts(T), names, { granularity: g });
    const m = new AdaMergingModel(c, f.config, names.map((name) => ({ name, head, bank })), resolveTrainedParams('adamerging', { granularity: g }), SCALE, rng());
    const r = await timeSteps(m, f.warm, f.steps, o.profile ? `${f.label} AdaMerging ${g}-wise` : null);
    const tensors = c.specs.map((s) => s.name);
    m.dispose();
    push(`AdaMerging ${g === 'task' ? 'task' : 'layer'}-wise`, `${T} tasks × 2 batches of ${B}`, 'ms/step', 0, r, { kind: 'adamerging', granularity: g, lr: lr('adamerging'), tensors, ...trainRow(B) });
  }
  if (o.only.has('surgery')) {
    const zRng = createRng(6);
    const z = Float32Array.from({ length: 16 * P }, () => zRng.normal());
    const individual = z.map((v) => v + 0.1 * zRng.normal());
    const m = new SurgeryModel(names.map((name) => ({ name, head, n: 16, merged: z, individual })), resolveTrainedParams('surgery'), SCALE, rng());
    const down = (await m.modules()).find((t) => t.name === 'surgery.t0.down')!;
    const sInputs = resolve(CACHE, `${tag}-surgery.safetensors`);
    await writeInputs(sInputs, new Map([['surgery.merged', { shape: [16, P], data: z }], ['surgery.individual', { shape: [16, P], data: individual }], ['surgery.down', { shape: down.shape, data: down.values }]]));
    // Steady state on both sides: 100 warm-up steps (every task's first visit, the JIT's warm-up of step()'s loops), then 200 timed.
    const r = await timeSteps(m, 100, 200, o.profile ? `${f.label} Surgery` : null);
    m.dispose();
    push('Representation Surgery (r 16)', `batch 16 of cached features [16, ${P}]`, 'ms/step', 0, r, { kind: 'surgery', inputs: sInputs, lr: lr('surgery'), warm: 100, steps: 200 });
  }
  if (o.only.has('intervmerge')) {
    const B = Math.min(16, f.bank);
    const bank = await inp.bankOf(B);
    const weights = await loadParams(pretrained);
    const m = new IntervMergeModel({ weights }, f.config, names.map((name) => ({ name, head, bank, teacher: inp.teacher })), resolveTrainedParams('intervmerge', { variant: 'full' }), SCALE, rng());
    const init = new Map(inp.tensors);
    for (const t of (await m.modules()).filter((x) => x.name.startsWith('intervmerge.t0.'))) init.set(`intervmerge.${t.name.split('.').at(-1)}`, { shape: t.shape, data: t.values });
    const iFile = resolve(CACHE, `${tag}-intervmerge.safetensors`);
    await writeInputs(iFile, init);
    const r = await timeSteps(m, f.warm, f.steps, o.profile ? `${f.label} IntervMerge` : null);
    m.dispose();
    disposeParams(weights);
    push('IntervMerge (full, r 1)', `batch ${B}`, 'ms/step', 0, r, { kind: 'intervmerge', lr: lr('intervmerge'), ...trainRow(B), inputs: iFile });
  }
  if (o.only.has('tinting')) {
    const B = Math.min(32, f.bank);
    const bank = await inp.bankOf(B);
    const c = await MergeCoefficients.fromPool(pretrained, await experts(T), names, { granularity: 'layer' });
    const m = new TintingModel(c, f.config, names.map((name) => ({ name, head, bank, individualLogits: inp.logits })), resolveTrainedParams('tinting', { filter: false }), SCALE, rng());
    const tensors = c.specs.map((s) => s.name);
    const r = await timeSteps(m, f.warm, f.steps, o.profile ? `${f.label} Tinting` : null);
    m.dispose();
    push('Model Tinting (head, no filter)', `${T} tasks' λ, batch ${B}`, 'ms/step', 0, r, { kind: 'tinting', lr: lr('tinting'), tensors, ...trainRow(B) });
  }
}

function table(rows: Row[], header: string): string {
  const fmt = (r: Row, x: { ms: number } | null) => (x ? (r.unit === 'img/s' ? `${((1000 * r.images) / x.ms).toFixed(2)} img/s (${x.ms.toFixed(0)} ms)` : `${x.ms < 10 ? x.ms.toFixed(2) : x.ms.toFixed(0)} ms`) : 'failed');
  const lines = rows.map((r) => `| ${r.family} | ${r.what} | ${r.sizes} | ${fmt(r, r.ours)} | ${fmt(r, r.torch)} | ${r.torch ? (r.ours.ms / r.torch.ms).toFixed(2) : '—'} | ${r.ours.loss.toPrecision(6)} / ${r.torch ? r.torch.loss.toPrecision(6) : '—'} | ${r.load} |`);
  return `${header}\n\n| model | what | sizes | ours | PyTorch | ratio (our time ÷ PyTorch's) | first loss, ours / PyTorch | load |\n|---|---|---|---|---|---|---|---|\n${lines.join('\n')}\n`;
}

/** Replaces the text between the vs-torch markers of docs/benchmarks.md. */
function writeDoc(text: string): void {
  const doc = readFileSync(DOC, 'utf8');
  const [b, e] = ['<!-- vs-torch:begin (written by npm run bench:vs-torch) -->', '<!-- vs-torch:end -->'];
  const i = doc.indexOf(b);
  const j = doc.indexOf(e);
  if (i < 0 || j < i) throw new Error(`${DOC} has no "${b}" … "${e}" markers in its "Side by side with PyTorch" section; add them where the table belongs.`);
  writeFileSync(DOC, `${doc.slice(0, i + b.length)}\n${text}${doc.slice(j)}`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const o = parseArgs(argv);
  const missing = torchMissing();
  if (missing) {
    console.log(`bench:vs-torch skipped: PyTorch is not importable by ${PY} (${missing}). Install Debian's: apt-get install python3-torch python3-numpy`);
    return;
  }
  const choice = await initNodeBackend(o.threads);
  patchWasmTransposedMatMul();
  const torchVersion = spawnSync(PY, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim();
  const rows: Row[] = [];
  const start = loadavg()[0].toFixed(1);
  if (o.zoo) await family(await zooFamily(), o, rows);
  if (o.vitb32) await family(await vitb32Family(o), o, rows);
  const when = new Date().toISOString().replace('T', ' ').slice(0, 16);
  const machine = `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
  const header = `${when} UTC, ${machine} (load average ${start} at the start, ${loadavg()[0].toFixed(1)} at the end), Node ${process.versions.node}, tfjs ${tf.version.tfjs} ${choice.backend} with ${choice.wasmThreads ?? 1} thread(s) (transposed-matMul patch on) against PyTorch ${torchVersion} with torch.set_num_threads(${o.threads}), both at niceness ${niceness()}. \`npm run --silent bench:vs-torch${argv.length ? ` -- ${argv.join(' ')}` : ''}\`. ViT-B/32 rows: ${o.tasks} tasks, images per step as listed, the first step timed on both sides (no warm-up); zoo rows: 8 tasks, the methods' own batches, 3 steps after 1 warm-up, forward the mean of 2 passes after 1 warm-up; ViT-B/32 forward: 1 pass, no warm-up; Surgery (both models): 200 steps after 100 warm-up steps on both sides (ours cycles its tasks' modules, PyTorch steps one).`;
  const text = table(rows, header);
  console.log(text);
  if (o.write) { writeDoc(text); console.log(`(written to ${DOC})`); }
}

await main();
