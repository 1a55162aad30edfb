/**
 * Security headers of the served app, on both e2e servers (`vite preview`, cross-origin isolated,
 * and the plain static server): a strict Content-Security-Policy (header and <meta>), nosniff on
 * every response, no framing, no referrer. The lab still starts under the policy (worker, wasm
 * threads when isolated) with no CSP violation, while an injected inline script is refused and a
 * frame of the page is blocked.
 */
import { test as base, expect as baseExpect } from '@playwright/test';
import { CSP_HEADER, CSP_META } from '../security-headers.mjs';
import { expect, test } from './support/test';
import { ISOLATED_URL, PLAIN_URL } from './support/urls';

/** The policy's directives as a map (directive → sources). */
const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((p) => p[0]).map(([k, ...v]) => [k, v]));

for (const [server, url] of [['vite preview', ISOLATED_URL], ['plain server', PLAIN_URL]] as const) {
  test(`${server}: CSP, nosniff, framing and referrer headers on the page and its assets`, async ({ request }) => {
    const page = await request.get(`${url}/`);
    expect(page.ok()).toBe(true);
    const h = page.headers();
    expect(h['content-security-policy']).toBe(CSP_HEADER);
    const csp = directives(h['content-security-policy']);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
    expect(csp.get('script-src')).not.toContain("'unsafe-eval'");
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['referrer-policy']).toBe('no-referrer');

    // The <meta> copy (static hosting) is the same policy minus frame-ancestors; no inline script.
    const html = await page.text();
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
    expect(meta?.[1].replaceAll('&#39;', "'")).toBe(CSP_META);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    // Every asset the page loads carries nosniff too.
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) expect((await request.get(`${url}${a}`)).headers()['x-content-type-options'], a).toBe('nosniff');
  });
}

test('the lab starts under the policy (worker, wasm) with no CSP violation', async ({ lab, page }) => {
  await page.addInitScript(() => {
    (window as unknown as { cspViolations: string[] }).cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { cspViolations: string[] }).cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await lab.open();
  await expect(lab.backendBadge).toHaveText(/^WASM \(\d+ threads?\)/);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
});

// These two provoke violations on purpose, so they use Playwright's plain test (no console-error check).
base('an injected inline script is refused and reported', async ({ page }) => {
  await page.goto(`${ISOLATED_URL}/`);
  const outcome = await page.evaluate(() => new Promise<{ ran: boolean; violated: string }>((resolve) => {
    document.addEventListener('securitypolicyviolation', (e) => resolve({ ran: (window as unknown as { injected?: boolean }).injected === true, violated: e.violatedDirective }));
    const s = document.createElement('script');
    s.textContent = 'window.injected = true';
    document.body.append(s);
  }));
  baseExpect(outcome).toEqual({ ran: false, violated: 'script-src-elem' });
});

base('the page cannot be framed', async ({ page }) => {
  const blocked: string[] = [];
  page.on('console', (m) => { if (/frame-ancestors/.test(m.text())) blocked.push(m.text()); });
  await page.goto(`${PLAIN_URL}/nonexistent-for-blank`).catch(() => {});
  await page.setContent(`<iframe id="f" src="${ISOLATED_URL}/"></iframe>`);
  await baseExpect.poll(() => blocked.length, { timeout: 30_000 }).toBeGreaterThan(0);
  const frame = page.frames().find((f) => f !== page.mainFrame());
  baseExpect(await frame?.evaluate(() => document.getElementById('root')).catch(() => null)).toBeFalsy();
});
