// The vitest config Stryker runs under (stryker.config.mjs): the project's, with module isolation
// off, so each mutant's run reuses the loaded modules (tfjs, its backend) instead of importing them
// again. Safe for mutation runs: Stryker switches mutants at run time, and static mutants are ignored.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vite.config';

export default mergeConfig(base, defineConfig({ test: { isolate: false } }));
