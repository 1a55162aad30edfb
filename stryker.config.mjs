// @ts-check
/**
 * StrykerJS mutation testing of the numeric core (docs/mutation.md): `npm run test:mutation` runs
 * every slice; `MUTATION_SLICE=kernels npm run test:mutation` runs one (names below).
 * Each slice lists the files it mutates and the test files allowed to kill their mutants (the fast
 * unit tests of that code: no suite-wide evaluations), so a slice stays a few minutes long.
 * coverageAnalysis perTest runs only the tests that reach a mutant; incremental mode reuses the
 * results of the last run for mutants whose code and tests did not change.
 */
const slices = {
  kernels: {
    mutate: ['src/engine/merge/kernels.ts'],
    // simd-kernels.test.ts also holds them bit for bit against the WebAssembly build.
    testFiles: ['src/engine/merge/kernels.test.ts', 'src/engine/merge/simd-kernels.test.ts'],
  },
  select: {
    mutate: ['src/engine/merge/magnitude-select.ts', 'src/engine/merge/majority-sign.ts'],
    testFiles: ['src/engine/merge/magnitude-select.test.ts', 'src/engine/merge/majority-sign.test.ts'],
  },
  methods: {
    mutate: ['src/engine/merge/methods/*.ts', 'src/engine/merge/dare-rng.ts'],
    testFiles: ['src/engine/merge/registry.test.ts', 'src/engine/merge/properties.test.ts', 'src/engine/merge/dare-rng.test.ts'],
  },
  bias: {
    // The metrics (distances, per-layer bias, report); collectBiasFeatures below them only
    // gathers features through the evaluator (bias.test.ts, on the demo zoo).
    mutate: ['src/engine/eval/bias.ts:1-125'],
    testFiles: ['src/engine/eval/bias-metrics.test.ts'],
  },
  graph: {
    mutate: ['src/engine/embed/knn.ts', 'src/engine/embed/fuzzy-graph.ts', 'src/engine/embed/subsample.ts'],
    testFiles: ['src/engine/embed/graph.test.ts', 'src/engine/embed/select.test.ts', 'src/engine/embed/knn-bounds.test.ts', 'src/engine/embed/balanced.test.ts'],
  },
  pca: {
    mutate: ['src/engine/embed/linalg.ts', 'src/engine/embed/pca.ts'],
    testFiles: ['src/engine/embed/pca.test.ts', 'src/engine/embed/pca-stop.test.ts', 'src/engine/embed/linalg.test.ts'],
  },
  losses: {
    // The losses (up to l1); the batched forward below them is exercised by the trained slice.
    mutate: ['src/engine/trained/losses.ts:1-51', 'src/engine/train/adam.ts'],
    testFiles: ['src/engine/trained/losses.test.ts', 'src/engine/train/adam.test.ts', 'src/engine/train/adam-state.test.ts'],
  },
  coefficients: {
    mutate: ['src/engine/trained/coefficients.ts'],
    testFiles: ['src/engine/trained/coefficients.test.ts', 'src/engine/trained/adamerging.test.ts'],
  },
  trained: {
    mutate: ['src/engine/trained/surgery.ts', 'src/engine/trained/adamerging.ts', 'src/engine/trained/intervmerge.ts', 'src/engine/trained/tinting.ts'],
    testFiles: ['src/engine/trained/surgery.test.ts', 'src/engine/trained/adamerging.test.ts', 'src/engine/trained/intervmerge.test.ts', 'src/engine/trained/tinting.test.ts'],
  },
};

const name = process.env.MUTATION_SLICE;
if (name && !(name in slices)) throw new Error(`MUTATION_SLICE=${name}: not one of ${Object.keys(slices).join(', ')}`);
const chosen = name ? [slices[name]] : Object.values(slices);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: chosen.flatMap((s) => s.mutate),
  testFiles: chosen.flatMap((s) => s.testFiles),
  // vitest does not type-check, and a `// @ts-nocheck` line in every file breaks the test that
  // compares the committed generated wasm module with its generator.
  disableTypeChecks: false,
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: `reports/mutation/${name ?? 'all'}.incremental.json`,
  ignoreStatic: true,
  concurrency: 2,
  // Generous: on a loaded 2-core machine a test may take several times its dry-run time, and a
  // spurious timeout would count as a kill. Real infinite loops are mostly caught by the hit limit.
  timeoutMS: 15_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name ?? 'all'}.html` },
  jsonReporter: { fileName: `reports/mutation/${name ?? 'all'}.json` },
  ignorePatterns: ['dist', 'test-results', 'playwright-report', 'reports', '.stryker-tmp*'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
