/**
 * `npx tsx scripts/fuzz-pickle.ts [--cases N] [--json out.json]`: runs N (default 10,000) mutated
 * checkpoints through the PyTorch pickle reader and reports the inputs, typed errors (by code),
 * raw exceptions (with the case number to replay), the slowest case and the peak memory (RSS).
 * Exit 1 on any raw exception or a case slower than 10 s (a hang).
 */
import { writeFileSync } from 'node:fs';
import { MergelabError } from '../src/engine/errors';
import { mutate } from './fuzz/mutate';
import { pickleTarget } from './fuzz/targets/pickle';

const args = process.argv.slice(2);
const flag = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const cases = Number(flag('--cases') ?? 10_000);
const HANG_MS = 10_000;

const seeds = await pickleTarget.seeds();
for (const s of seeds) await pickleTarget.run(s); // every seed must read cleanly
const codes: Record<string, number> = {};
const raw: { case: number; error: string }[] = [];
let ok = 0;
let slowest = { case: -1, ms: 0 };
let peakRss = process.memoryUsage().rss;
const t0 = performance.now();
for (let c = 0; c < cases; c++) {
  const bytes = mutate(seeds, c);
  const start = performance.now();
  try {
    await pickleTarget.run(bytes);
    ok++;
  } catch (e) {
    if (e instanceof MergelabError) codes[e.code] = (codes[e.code] ?? 0) + 1;
    else raw.push({ case: c, error: String((e as Error)?.stack ?? e).split('\n').slice(0, 3).join(' | ') });
  }
  const ms = performance.now() - start;
  if (ms > slowest.ms) slowest = { case: c, ms };
  if (c % 100 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const report = {
  target: pickleTarget.name, date: new Date().toISOString(), seeds: seeds.length, cases, read: ok, typedErrors: codes,
  rawExceptions: raw.length, raw: raw.slice(0, 20), hangs: slowest.ms > HANG_MS ? 1 : 0,
  slowestCase: { case: slowest.case, ms: Math.round(slowest.ms) }, peakRssMiB: Math.round(peakRss / 2 ** 20), seconds: Math.round((performance.now() - t0) / 1000),
};
console.log(JSON.stringify(report, null, 2));
const out = flag('--json');
if (out) writeFileSync(out, JSON.stringify(report, null, 2));
process.exit(raw.length || report.hangs ? 1 : 0);
