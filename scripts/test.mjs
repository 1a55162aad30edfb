#!/usr/bin/env node
/**
 * `npm test`: every test. Finds (or installs) Chromium, type-checks (`npm run typecheck`), checks
 * the import layers (`npm run lint:layers`, .dependency-cruiser*.cjs), runs the unit tests in Node
 * (vitest), builds the app, runs the Playwright e2e tests against the built app, and ends with one
 * line that CI reads: `tests: N passed, M failed, K skipped` (the type check and the layer check
 * count as one test each). Exits non-zero when anything failed, a runner crashed, or either runner
 * ran no test.
 */
import { mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { ChromiumMissing, ensureChromium } from './ensure-chromium.mjs';

const OUT = '.cache/test';
const VITEST_JSON = `${OUT}/vitest.json`;
const PLAYWRIGHT_JSON = `${OUT}/playwright.json`;

function run(title, cmd, args, env = {}) {
  console.log(`\n=== ${title}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function readJson(path) {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** Counts of one runner; `problem` says why its results cannot be trusted. */
function vitestCounts(exit) {
  const j = readJson(VITEST_JSON);
  if (!j) return { passed: 0, failed: 0, skipped: 0, problem: `vitest wrote no results (exit ${exit})` };
  const c = { passed: j.numPassedTests, failed: j.numFailedTests, skipped: j.numPendingTests + (j.numTodoTests ?? 0) };
  // A test file that fails to load or in a hook fails without a failed test: count it as one.
  const brokenFiles = (j.testResults ?? []).filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed')).length;
  return { ...c, failed: c.failed + brokenFiles, problem: exit !== 0 && c.failed + brokenFiles === 0 ? `vitest exited with ${exit}` : null };
}

function playwrightCounts(exit) {
  const j = readJson(PLAYWRIGHT_JSON);
  if (!j?.stats) return { passed: 0, failed: 0, skipped: 0, problem: `playwright wrote no results (exit ${exit})` };
  const s = j.stats;
  const errors = (j.errors ?? []).length; // e.g. the web server did not start
  return { passed: s.expected + s.flaky, failed: s.unexpected + errors, skipped: s.skipped, problem: exit !== 0 && s.unexpected + errors === 0 ? `playwright exited with ${exit}` : null };
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

let chrome;
try {
  chrome = ensureChromium();
} catch (e) {
  console.error(e instanceof ChromiumMissing ? e.message : e);
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}

// Each check is one test: passed when its command exits 0.
const checks = [
  ['typecheck', run('type check (tsc)', 'npm', ['run', '--silent', 'typecheck'])],
  ['layers', run('import layers (dependency-cruiser)', 'npm', ['run', '--silent', 'lint:layers'])],
];

const unitExit = run('unit tests (vitest, Node)', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${VITEST_JSON}`]);
const buildExit = run('build (vite)', 'npx', ['vite', 'build']);
const e2eExit = buildExit === 0
  ? run('e2e tests (Playwright, Chromium)', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: PLAYWRIGHT_JSON, CHROME_PATH: chrome })
  : 1;

const unit = vitestCounts(unitExit);
const e2e = buildExit === 0 ? playwrightCounts(e2eExit) : { passed: 0, failed: 0, skipped: 0, problem: 'the build failed, so no e2e test ran' };
const problems = [];
for (const [name, c] of [['unit', unit], ['e2e', e2e]]) {
  if (c.problem) problems.push(`${name}: ${c.problem}`);
  else if (c.passed + c.failed === 0) problems.push(`${name}: ran no test`);
}
const checksPassed = checks.filter(([, exit]) => exit === 0).length;
const checksFailed = checks.length - checksPassed;
const passed = checksPassed + unit.passed + e2e.passed;
const failed = checksFailed + unit.failed + e2e.failed + problems.length;
const skipped = unit.skipped + e2e.skipped;

console.log(`\nchecks: ${checks.map(([name, exit]) => `${name} ${exit === 0 ? 'passed' : 'failed'}`).join(', ')}`);
console.log(`unit: ${unit.passed} passed, ${unit.failed} failed, ${unit.skipped} skipped; e2e: ${e2e.passed} passed, ${e2e.failed} failed, ${e2e.skipped} skipped`);
for (const p of problems) console.log(`problem: ${p}`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
