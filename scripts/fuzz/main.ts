/**
 * `npm run fuzz [-- --cases N] [--seconds S] [--target name] [--seed N] [--json file] [--save-failures dir]`
 * Fuzzes every reader (scripts/fuzz/targets/index.ts) with mutated inputs and prints, per target:
 * inputs, accepted, typed errors, raw exceptions, the slowest case (CPU and wall ms) and the peak
 * memory above the process's level before the target. Defaults: 3 s per target (about 40 s in all).
 * Exit code 1 when any raw exception or hang was found, or a case used over 2 s of CPU or 500 MB.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fuzzTarget, type FuzzReport } from './runner';
import { TARGETS } from './targets/index';

export const LIMITS = { cpuMs: 2000, peakBytes: 500 * 2 ** 20 } as const;

function parse(argv: string[]) {
  const o = { cases: undefined as number | undefined, seconds: undefined as number | undefined, target: null as string | null, seed: 1, json: null as string | null, save: null as string | null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => { const x = argv[++i]; if (x === undefined) throw new Error(`${a} needs a value`); return x; };
    const n = () => { const x = Number(v()); if (!(x > 0)) throw new Error(`${a} needs a positive number`); return x; };
    if (a === '--cases') o.cases = n();
    else if (a === '--seconds') o.seconds = n();
    else if (a === '--target') o.target = v();
    else if (a === '--seed') o.seed = n();
    else if (a === '--json') o.json = v();
    else if (a === '--save-failures') o.save = v();
    else throw new Error(`unknown option ${a} (see the header of scripts/fuzz/main.ts)`);
  }
  if (o.cases === undefined && o.seconds === undefined) o.seconds = 3;
  return o;
}

const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;

export function verdict(r: FuzzReport): string[] {
  const bad: string[] = [];
  if (r.raw) bad.push(`${r.raw} raw exception(s)`);
  if (r.hangs) bad.push('a hang');
  if (r.slowest.cpuMs > LIMITS.cpuMs) bad.push(`a case used ${r.slowest.cpuMs.toFixed(0)} ms of CPU`);
  if (r.peakRssBytes > LIMITS.peakBytes) bad.push(`peak memory +${mb(r.peakRssBytes)}`);
  return bad;
}

async function main() {
  const o = parse(process.argv.slice(2));
  const targets = o.target ? TARGETS.filter((t) => t.name === o.target) : TARGETS;
  if (!targets.length) throw new Error(`no target "${o.target}"; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
  const reports: FuzzReport[] = [];
  console.log('target              inputs  accepted  typed   raw  slowest (cpu / wall ms, mutators)        peak mem');
  for (const t of targets) {
    const r = await fuzzTarget(t, { cases: o.cases, seconds: o.seconds, seed: o.seed });
    reports.push(r);
    console.log(`${r.target.padEnd(18)}${String(r.inputs).padStart(8)}${String(r.accepted).padStart(10)}${String(r.typed).padStart(7)}${String(r.raw).padStart(6)}  ${`${r.slowest.cpuMs.toFixed(0)} / ${r.slowest.wallMs.toFixed(0)} (${r.slowest.mutators.join('+')}, ${r.slowest.bytes} B)`.padEnd(40)}+${mb(r.peakRssBytes)}`);
    for (const f of r.failures) console.log(`  case ${f.case} (${f.mutators.join('+')}): ${f.error}`);
    if (o.save && r.failures.length) {
      await mkdir(o.save, { recursive: true });
      for (const f of r.failures) await writeFile(join(o.save, `${r.target}-${f.case}.bin`), f.bytes);
    }
  }
  const sum = (k: 'inputs' | 'typed' | 'raw' | 'accepted') => reports.reduce((a, r) => a + r[k], 0);
  const slowest = reports.reduce((a, r) => (r.slowest.cpuMs > a.slowest.cpuMs ? r : a));
  const peak = reports.reduce((a, r) => Math.max(a, r.peakRssBytes), 0);
  console.log(`\nall: ${sum('inputs')} inputs, ${sum('accepted')} accepted, ${sum('typed')} typed errors, ${sum('raw')} raw exceptions; slowest case ${slowest.slowest.cpuMs.toFixed(0)} ms CPU (${slowest.target}); peak memory +${mb(peak)} (node ${process.version}, ${new Date().toISOString()})`);
  if (o.json) await writeFile(o.json, `${JSON.stringify(reports.map(({ failures, ...r }) => ({ ...r, failures: failures.map(({ bytes, ...f }) => ({ ...f, bytes: bytes.length })) })), null, 2)}\n`);
  const problems = reports.flatMap((r) => verdict(r).map((v) => `${r.target}: ${v}`));
  if (problems.length) {
    console.log(`\nFAIL: ${problems.join('; ')}`);
    process.exitCode = 1;
  }
}

if (process.argv[1]?.endsWith('main.ts')) await main();
