/**
 * Where the e2e servers listen (see playwright.config.ts). `E2E_PORT` moves both (the isolated
 * server on it, the plain one on the next port), so two checkouts can run their e2e suites at once.
 */
export const ISOLATED_PORT = Number(process.env.E2E_PORT ?? 4173);
export const PLAIN_PORT = ISOLATED_PORT + 1;
export const ISOLATED_URL = `http://127.0.0.1:${ISOLATED_PORT}`;
export const PLAIN_URL = `http://127.0.0.1:${PLAIN_PORT}`;
