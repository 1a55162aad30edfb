/**
 * The page's security headers, in one place for `vite preview` (vite.config.ts), the e2e plain
 * server (e2e/support/plain-server.mjs) and the built index.html's <meta> CSP (so static hosting
 * without header control keeps the policy).
 *
 * The Content-Security-Policy allows only what the lab uses: its own scripts, workers and files;
 * WebAssembly compilation ('wasm-unsafe-eval', for the tfjs wasm backend and the merge kernels);
 * blob: workers and scripts (the threaded wasm backend starts its pthread workers from a blob of
 * its own code); data:/blob: images (example thumbnails, chart exports); inline style attributes
 * (React and recharts set element styles). No inline or remote script, no plugins, no <base>, no
 * form posts, and (header only) no framing.
 */

/** Directives shared by the header and the <meta> tag. */
const DIRECTIVES = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self' blob: data:",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** The CSP for a <meta http-equiv> tag (frame-ancestors is ignored there, so it is left out). */
export const CSP_META = DIRECTIVES.join('; ');

/** The CSP header: the same plus frame-ancestors 'none'. */
export const CSP_HEADER = [...DIRECTIVES, "frame-ancestors 'none'"].join('; ');

/** Headers every response of the app carries. */
export const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP_HEADER,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

/** COOP/COEP make the page cross-origin isolated, so the wasm backend may use threads. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
