/**
 * Runs a fuzz target: mutated seeds, one at a time, each classified as accepted, a typed error
 * (MergelabError) or a raw exception (anything else: a bug). Records the slowest case (wall and
 * CPU time: CPU time is what the 2 s budget is checked on, since the machine is shared) and the
 * process's peak resident memory above its level before the run. A case still running after
 * `hangMs` is reported as a hang and the run stops.
 */
import { MergelabError } from '../../src/engine/errors';
import { createRng } from '../../src/engine/random';
import { mutate } from './mutators';
import type { FuzzTarget } from './types';

export interface FuzzFailure {
  case: number;
  mutators: string[];
  error: string;
  /** The input that failed, for replaying (kept only for the first few failures). */
  bytes: Uint8Array;
}

export interface FuzzReport {
  target: string;
  inputs: number;
  accepted: number;
  typed: number;
  raw: number;
  hangs: number;
  /** Typed errors by code. */
  codes: Record<string, number>;
  slowest: { case: number; wallMs: number; cpuMs: number; mutators: string[]; bytes: number };
  /** Peak RSS minus the RSS before the run, in bytes. */
  peakRssBytes: number;
  failures: FuzzFailure[];
  seconds: number;
}

export interface FuzzOptions {
  /** Stop after this many cases … */
  cases?: number;
  /** … or after this many seconds, whichever comes first. */
  seconds?: number;
  seed?: number;
  hangMs?: number;
}

export async function fuzzTarget(target: FuzzTarget, opts: FuzzOptions = {}): Promise<FuzzReport> {
  const maxCases = opts.cases ?? Infinity;
  const deadline = performance.now() + 1000 * (opts.seconds ?? Infinity);
  const hangMs = opts.hangMs ?? 30_000;
  const rng = createRng(opts.seed ?? 1);
  const seeds = await target.seeds();
  if (!seeds.length) throw new Error(`fuzz target ${target.name} has no seeds`);
  const r: FuzzReport = {
    target: target.name, inputs: 0, accepted: 0, typed: 0, raw: 0, hangs: 0, codes: {},
    slowest: { case: -1, wallMs: 0, cpuMs: 0, mutators: [], bytes: 0 }, peakRssBytes: 0, failures: [], seconds: 0,
  };
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const t0 = performance.now();
  try {
    for (let i = 0; i < maxCases && performance.now() < deadline; i++) {
      // Every 8th case is an unmutated seed, so the valid path stays exercised.
      const seed = seeds[rng.int(seeds.length)];
      const { bytes, mutators } = i % 8 === 0 ? { bytes: seed.slice(), mutators: ['none'] } : target.mutate ? target.mutate(seed, seeds, rng) : mutate(seed, rng);
      const cpu0 = process.cpuUsage();
      const w0 = performance.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const outcome = await Promise.race([
        target.run(bytes).then(() => 'ok' as const, (e: unknown) => e),
        new Promise<'hang'>((res) => { timer = setTimeout(() => res('hang'), hangMs); }),
      ]);
      clearTimeout(timer);
      const wallMs = performance.now() - w0;
      const cpu = process.cpuUsage(cpu0);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      peak = Math.max(peak, process.memoryUsage().rss);
      r.inputs++;
      if (cpuMs > r.slowest.cpuMs) r.slowest = { case: i, wallMs, cpuMs, mutators, bytes: bytes.length };
      if (outcome === 'ok') r.accepted++;
      else if (outcome === 'hang') {
        r.hangs++;
        r.failures.push({ case: i, mutators, error: `no answer after ${hangMs} ms`, bytes });
        break;
      } else if (outcome instanceof MergelabError) {
        r.typed++;
        r.codes[outcome.code] = (r.codes[outcome.code] ?? 0) + 1;
      } else {
        r.raw++;
        const e = outcome as Error;
        if (r.failures.length < 5) r.failures.push({ case: i, mutators, error: `${e?.name ?? 'Error'}: ${String(e?.message ?? e).slice(0, 300)}\n${String(e?.stack ?? '').split('\n').slice(1, 6).join('\n')}`, bytes });
      }
    }
  } finally {
    clearInterval(sampler);
  }
  r.seconds = (performance.now() - t0) / 1000;
  r.peakRssBytes = Math.max(0, peak - rss0);
  return r;
}
