import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { CSP_META, ISOLATION_HEADERS, SECURITY_HEADERS } from './security-headers.mjs';

/**
 * The built index.html carries the CSP as a <meta> tag too (static hosting keeps it). Build only:
 * the dev server injects inline scripts (React refresh) that the policy forbids.
 */
const cspMeta = (): Plugin => ({
  name: 'mergelab-csp-meta',
  apply: 'build',
  transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_META }, injectTo: 'head-prepend' }],
});

export default defineConfig({
  plugins: [react(), cspMeta()],
  // COOP/COEP (cross-origin isolation: threaded wasm) everywhere; the security headers on the built app.
  server: { headers: ISOLATION_HEADERS, host: '127.0.0.1' },
  preview: { headers: { ...ISOLATION_HEADERS, ...SECURITY_HEADERS }, host: '127.0.0.1' },
  worker: {
    format: 'es',
    // A minified worker hangs the threaded wasm backend (TOOLCHAIN.md gotcha 2).
    rolldownOptions: { output: { minify: 'dce-only' } },
  },
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'comlink'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['src/engine/testing/setup.node.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
