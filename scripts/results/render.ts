/**
 * Renders docs/results.md from the rows `npm run results` measured: the accuracy table (absolute
 * and normalised), extra parameters and training seconds, the schedules used, and whether the
 * papers' ordering (corrections > LW AdaMerging > TIES ≈ TA) shows, checked from the numbers.
 */
import type { SweepPoint } from './entropy';
import { type WhyInput, whySection } from './why';

export interface Row {
  label: string;
  /** 'extra': added afterwards with --add (e.g. a full paper schedule), not part of the checks. */
  group: 'reference' | 'merge' | 'adamerging' | 'correction' | 'extra';
  /** Task → accuracy in percent. */
  tasks: Record<string, number>;
  extraParams: number;
  trainSeconds: number;
  steps?: number;
  /** AdaMerging rows: the learned coefficients, clamped to [0, 1] as the merge uses them (from λ = 0.3). */
  lambda?: { mean: number; min: number; max: number };
}

export interface Meta {
  suite: string;
  preset: string;
  schedules: Record<string, number> | null;
  backend: string;
  seconds: number;
  command: string;
}

const f1 = (x: number) => x.toFixed(1);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const avg = (r: Row, names: string[]) => mean(names.map((n) => r.tasks[n]));
const norm = (r: Row, names: string[], ind: Record<string, number>) => mean(names.map((n) => (100 * r.tasks[n]) / ind[n]));

const PAPER = { adamerging: '500 iterations', surgery: '500 iterations (8,000 steps)', intervmerge: '500 iterations (8,000 steps)', tinting: '500 epochs (4,000 steps)' } as const;

/** The papers' ordering, checked on the average accuracy. */
export function orderingChecks(rows: Row[], names: string[]): { text: string; ok: boolean }[] {
  const a = (label: string) => avg(rows.find((r) => r.label.startsWith(label))!, names);
  const corrections = rows.filter((r) => r.group === 'correction');
  const lw = a('LW AdaMerging');
  const ta = a('Task Arithmetic');
  const ties = a('TIES');
  const onLw = corrections.filter((r) => r.label.startsWith('LW AdaMerging +'));
  const weakest = onLw.reduce((x, y) => (avg(y, names) < avg(x, names) ? y : x));
  const weakestAll = corrections.reduce((x, y) => (avg(y, names) < avg(x, names) ? y : x));
  return [
    { text: `every correction on LW AdaMerging beats LW AdaMerging alone (${f1(lw)}): weakest is ${weakest.label} at ${f1(avg(weakest, names))}`, ok: avg(weakest, names) > lw },
    { text: `every correction beats TIES and TA: weakest is ${weakestAll.label} at ${f1(avg(weakestAll, names))} vs max(TIES, TA) ${f1(Math.max(ta, ties))}`, ok: avg(weakestAll, names) > Math.max(ta, ties) },
    { text: `LW AdaMerging (${f1(lw)}) beats TIES (${f1(ties)}) and TA (${f1(ta)})`, ok: lw > Math.max(ta, ties) },
    { text: `TIES ≈ TA (within 5 points): ${f1(ties)} vs ${f1(ta)}`, ok: Math.abs(ties - ta) <= 5 },
  ];
}

/** AdaMerging's surrogate against accuracy along uniform λ, with what it implies, from the numbers. */
function sweepSection(sweep: SweepPoint[], adaHelps: boolean): string {
  const at = (l: number) => sweep.reduce((x, y) => (Math.abs(y.lambda - l) < Math.abs(x.lambda - l) ? y : x));
  const start = at(0.3);
  const near = sweep.filter((p) => p.lambda >= 0.125 && p.lambda <= 0.45);
  const eRange = Math.max(...near.map((p) => p.entropy)) - Math.min(...near.map((p) => p.entropy));
  const aRange = Math.max(...near.map((p) => p.accuracy)) - Math.min(...near.map((p) => p.accuracy));
  const localMin = near.every((p) => p.entropy >= start.entropy - 1e-9);
  const best = sweep.reduce((x, y) => (y.accuracy > x.accuracy ? y : x));
  return `## AdaMerging's surrogate on this suite

AdaMerging minimises the summed prediction entropy, trusting that lower entropy means higher
accuracy (true for CLIP ViT-B/32 in its paper). Measured here along uniform coefficients (every
task and tensor at λ; all test images; \`scripts/results/entropy.ts\`):

| λ | Σ entropy (nats) | avg accuracy (%) |
|---:|---:|---:|
${sweep.map((p) => `| ${p.lambda} | ${p.entropy.toFixed(3)} | ${f1(p.accuracy)} |`).join('\n')}

Between λ 0.125 and 0.45 the entropy moves by ${eRange.toFixed(2)} nats while the accuracy moves by
${f1(aRange)} points${localMin ? `, and λ = 0.3 (AdaMerging's start) is a local minimum of the entropy along this line` : ''}.
The most accurate uniform λ is ${best.lambda} (${f1(best.accuracy)} %).${adaHelps ? '' : ` So on this suite the entropy barely
tells good merges from bad ones, and training from λ = 0.3 lowers it without raising accuracy: the
gradients and initialisation are checked by the tests (shortcut = autodiff = finite differences;
init = Task Arithmetic), so this is the zoo, not a bug (\`docs/zoo.md\` measures why). The corrections do not depend on
this surrogate: they are trained towards the experts' own features or predictions.`}
`;
}

/** Rows added with --add at a paper schedule, next to the reduced-schedule row they repeat. */
function extrasSection(rows: Row[], names: string[]): string {
  const lines = rows.filter((r) => r.group === 'extra').map((r) => {
    const base = rows.find((b) => b.group !== 'extra' && b.label === r.label.split(', paper schedule')[0]);
    return base
      ? `- ${base.label}: ${f1(avg(base, names))} at the reduced schedule (${base.steps} steps, ${base.trainSeconds.toFixed(0)} s) → ${f1(avg(r, names))} at the paper schedule (${r.steps} steps, ${r.trainSeconds.toFixed(0)} s).`
      : `- ${r.label}: ${f1(avg(r, names))}.`;
  });
  return lines.length ? `\nWhat the reduced schedules cost (rows re-run at the paper's length with \`npm run results -- --add\`, not part of the checks):\n\n${lines.join('\n')}\n` : '';
}

export function renderResults(rows: Row[], names: string[], individual: Record<string, number>, meta: Meta, sweep: SweepPoint[] = [], why: WhyInput = { records: [], classes: {} }): string {
  const head = `| Method | ${names.join(' | ')} | **Avg** | Norm. avg | Extra params | Train s |`;
  const sep = `|---|${names.map(() => '---:').join('|')}|---:|---:|---:|---:|`;
  const abs = rows.map((r) => `| ${r.label} | ${names.map((n) => f1(r.tasks[n])).join(' | ')} | **${f1(avg(r, names))}** | ${f1(norm(r, names, individual))} | ${r.extraParams.toLocaleString('en-US')} | ${r.trainSeconds ? r.trainSeconds.toFixed(0) : '—'} |`);
  const nhead = `| Method | ${names.join(' | ')} | **Avg** |`;
  const nsep = `|---|${names.map(() => '---:').join('|')}|---:|`;
  const nrows = rows.filter((r) => r.label !== 'Individual (experts)').map((r) => `| ${r.label} | ${names.map((n) => f1((100 * r.tasks[n]) / individual[n])).join(' | ')} | **${f1(norm(r, names, individual))}** |`);
  const checks = orderingChecks(rows, names);
  const sched = meta.schedules
    ? Object.entries(meta.schedules).map(([m, n]) => `| ${m} | ${PAPER[m as keyof typeof PAPER]} | ${n} ${m === 'tinting' ? 'epochs' : 'iterations'}${n < 500 ? ' (**reduced**)' : ''} |`).join('\n')
    : '| all | — | the "quick" teaching preset (a smoke run, not a result) |';
  return `# Results: every method on the demo zoo

*Written by \`${meta.command}\` (scripts/results.ts); do not edit by hand.* Suite \`${meta.suite}\`,
backend ${meta.backend} in Node, seed 0, all test images of every task; the whole run took
${(meta.seconds / 60).toFixed(1)} min on the shared 2-core machine. Each row is one experiment of
\`mergelab run\` (src/engine/trained/experiment.ts); the trained methods adapt on the unlabeled test
images and are scored on the same images (transductive, as in the papers).

## Schedules

Learning rates, batch sizes, initialisations and losses are the papers' (docs: METHODS.md §6–9).
Iterations that would not fit the shared machine were reduced, as marked:

| Method | Paper | Used here |
|---|---|---|
${sched}

## Accuracy (top-1 %)

Normalised = accuracy ÷ the expert's accuracy on its task. Extra params: trainable values added
(AdaMerging's coefficients included in the rows built on it). Train s: seconds of training steps
(for rows on LW AdaMerging, its own training time is included).

${head}
${sep}
${abs.join('\n')}

### Normalised accuracy (%)

${nhead}
${nsep}
${nrows.join('\n')}

## The papers' ordering

${checks.map((c) => `- ${c.ok ? '✅' : '❌'} ${c.text}`).join('\n')}
${extrasSection(rows, names)}${sweep.length ? `\n${sweepSection(sweep, checks[2].ok)}` : ''}${whySection(why, rows, names, checks)}`;
}
