/**
 * Playwright e2e: the BUILT app (run `vite build` first; `npm test` does) in Debian's Chromium
 * with WebGPU enabled (SwiftShader, software). Two servers: `vite preview` (cross-origin isolated,
 * threaded wasm) and a plain static server without COOP/COEP (single-threaded wasm).
 */
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import { ISOLATED_PORT, ISOLATED_URL, PLAIN_PORT, PLAIN_URL } from './e2e/support/urls';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  outputDir: 'test-results',
  use: {
    baseURL: ISOLATED_URL,
    headless: true,
    trace: 'retain-on-failure',
    launchOptions: {
      // The same search as scripts/ensure-chromium.mjs (which `npm test` runs first).
      executablePath: process.env.CHROME_PATH || ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) || '/usr/bin/chromium',
      args: [
        '--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
      ],
    },
  },
  webServer: [
    { command: `npx vite preview --port ${ISOLATED_PORT} --strictPort --host 127.0.0.1`, url: ISOLATED_URL, reuseExistingServer: false, timeout: 60_000 },
    { command: `node e2e/support/plain-server.mjs dist ${PLAIN_PORT}`, url: PLAIN_URL, reuseExistingServer: false, timeout: 30_000 },
  ],
});
