/**
 * The page's first bundle carries no tfjs: nothing the page loads up front (main.tsx, ui, state,
 * lessons, format) reaches @tensorflow/* through a value import. tfjs loads in the worker only
 * (src/browser/engine.worker.ts, started by URL, which this graph does not follow).
 *
 * Type-only imports vanish in the build, so this check cruises without them
 * (tsPreCompilationDeps: false: the graph of the compiled JavaScript). Run by `npm run lint:layers`.
 */
module.exports = {
  forbidden: [
    {
      name: 'page-reaches-tfjs',
      comment: 'Method descriptors the page needs come from the tfjs-free catalogue; the implementations register in the worker.',
      severity: 'error',
      from: { path: '^src/(main\\.tsx|ui/|state/|lessons/|format/)', pathNot: '\\.test\\.tsx?$' },
      to: { path: '^node_modules/@tensorflow/', reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.tsx?$' },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
};
