/**
 * The layers of src/, enforced by `npm run lint:layers` (and so by `npm test`). Each layer imports
 * only the layers below it (type-only imports count too):
 *
 *   engine        src/engine   tfjs + plain TypeScript, no DOM (tsconfig.engine.json checks the DOM)
 *   worker        src/worker   the engine's services behind the EngineApi contract; DOM-free, so the
 *                              CLI and the Node tests run them in-process
 *   browser       src/browser  the browser adapters: the worker entry scripts and their clients,
 *                              the OPFS store, image decoding with createImageBitmap
 *   format        src/format   formatting for the page and the lessons (plain functions)
 *   state         src/state    the zustand store (plain data); src/lessons sits beside it: the store's
 *                              lesson slice reads the lessons, the lessons' goals read the store
 *   ui            src/ui       React; imports the worker contract (worker/api.ts), the state and
 *                              format, never engine internals
 *   main          src/main.tsx the page's entry
 *   cli           src/cli      Node; the engine and the worker services only
 *
 * Inside the engine, io/ (bytes, safetensors, pickle, OPFS index) imports nothing above it.
 * Whether the page's first bundle reaches tfjs is checked by .dependency-cruiser.page.cjs.
 */
const upward = (name, from, to, comment) => ({ name, comment, severity: 'error', from: { path: from }, to: { path: to } });
const TEST = '\\.test\\.tsx?$';

module.exports = {
  forbidden: [
    upward('engine-imports-up', '^src/engine/', '^src/(worker|browser|format|state|lessons|ui|cli|main\\.tsx)',
      'The engine is the bottom layer: it runs in the worker, in Node and in vitest.'),
    upward('worker-imports-up', '^src/worker/', '^src/(browser|format|state|lessons|ui|cli|main\\.tsx)',
      'Worker services stay DOM-free and page-free so the CLI and Node tests can use them.'),
    upward('browser-imports-up', '^src/browser/', '^src/(format|state|lessons|ui|cli|main\\.tsx)',
      'Browser adapters serve the state; they know nothing of it.'),
    upward('format-imports-up', '^src/format/', '^src/(browser|state|lessons|ui|cli|main\\.tsx)',
      'Formatting is plain functions over plain data.'),
    upward('state-imports-up', '^src/(state|lessons)/', '^src/(ui|cli|main\\.tsx)',
      'The store and the lessons hold plain data and logic; React stays in ui/.'),
    upward('lessons-import-browser', '^src/lessons/', '^src/browser/',
      'Lessons are data read through the store.'),
    upward('ui-imports-up', '^src/ui/', '^src/(cli|main\\.tsx)', 'main.tsx mounts ui, not the other way.'),
    upward('cli-imports-page', '^src/cli/', '^src/(browser|format|state|lessons|ui|main\\.tsx)',
      'The CLI runs on the engine and the worker services only.'),
    {
      name: 'ui-imports-engine',
      comment: 'ui takes engine types from the worker contract (worker/api.ts) and pure helpers from the state (state/engine-view.ts); only the method catalogue is shared directly.',
      severity: 'error',
      from: { path: '^src/ui/', pathNot: TEST },
      to: { path: '^src/engine/', pathNot: '^src/engine/catalogue/' },
    },
    {
      name: 'engine-io-imports-up',
      comment: 'io/ reads bytes and formats; what the bytes mean (models, merges, evaluation) lives above it.',
      severity: 'error',
      from: { path: '^src/engine/io/', pathNot: TEST },
      to: { path: '^src/engine/(eval|merge|model|train|trained|catalogue|embed|data|params)/' },
    },
  ],
  options: {
    includeOnly: '^src/',
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
};
