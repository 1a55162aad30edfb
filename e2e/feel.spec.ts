/**
 * The feel of the lab in Chromium: the theme follows the emulated colour scheme,
 * the header's toggle persists across a reload, text contrasts with the background (computed
 * styles, WCAG ratio); keyboard only: Tab to "Load demo", Enter, Tab to Merge, Enter gives a
 * result, every focused control shows an outline; at 1280×800 the page never scrolls sideways;
 * the engine memory is in the header; screenshots of the page in light and dark are attached to
 * the test (under test-results/, one folder per test, and in the report).
 */
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './support/test';

/** WCAG contrast ratio of two computed CSS colours ("rgb(r, g, b)"). */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const x = Number(v) / 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const colours = (page: Page) => page.evaluate(() => {
  const body = getComputedStyle(document.body);
  const panel = document.querySelector('.panel');
  return {
    theme: document.documentElement.dataset.theme,
    bg: body.backgroundColor, fg: body.color,
    panelBg: panel ? getComputedStyle(panel).backgroundColor : '',
    muted: getComputedStyle(document.querySelector('.tagline')!).color,
  };
});

const dark = (rgb: string) => (rgb.match(/\d+/g) ?? []).slice(0, 3).map(Number).reduce((s, v) => s + v, 0) < 3 * 80;

/** The page is no wider than the viewport; names the elements that stick out when it is. */
async function expectNoSidewaysScroll(page: Page, what: string) {
  const { scroll, client, wide } = await page.evaluate(() => {
    const client = document.documentElement.clientWidth;
    const wide = Array.from(document.querySelectorAll<HTMLElement>('body *'))
      .filter((el) => el.getBoundingClientRect().right > client + 0.5)
      .map((el) => el.dataset.testid || `${el.tagName.toLowerCase()}.${el.className}`).slice(0, 8);
    return { scroll: document.documentElement.scrollWidth, client, wide };
  });
  expect(scroll, `page width at 1280 px (${what}); too wide: ${wide.join(', ')}`).toBeLessThanOrEqual(client);
}

/** Every control on the page has a name a screen reader can say (label, aria-label, title, text, or an SVG <title>). */
async function expectAllNamed(page: Page) {
  const unnamed = await page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('button, input, select, textarea, a[href], [tabindex]'))
    .filter((el) => {
      if (el.closest('[hidden], [aria-hidden="true"]') || el.getAttribute('tabindex') === '-1') return false;
      const labelled = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.getAttribute('title')
        || ((el as HTMLInputElement).labels?.length ?? 0) > 0 || (el.tagName === 'svg' && el.querySelector(':scope > title')?.textContent);
      const text = el.tagName === 'BUTTON' || el.tagName === 'A' ? (el.textContent ?? '').trim() : '';
      return !labelled && !text;
    })
    .map((el) => el.dataset.testid || el.outerHTML.slice(0, 80)));
  expect(unnamed, 'controls without an accessible name').toEqual([]);
}

async function shot(page: Page, info: TestInfo, name: string) {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: 'image/png' });
}

test('the theme follows the system, the toggle persists, text contrasts in both', async ({ lab, page }, info) => {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await lab.open();
    const c = await colours(page);
    expect(c.theme).toBe(scheme);
    expect(dark(c.bg), `${scheme} background ${c.bg}`).toBe(scheme === 'dark');
    expect(contrast(c.fg, c.bg), `text on background (${scheme})`).toBeGreaterThanOrEqual(7);
    expect(contrast(c.fg, c.panelBg), `text on panels (${scheme})`).toBeGreaterThanOrEqual(7);
    expect(contrast(c.muted, c.panelBg), `muted text on panels (${scheme})`).toBeGreaterThanOrEqual(4.5);
  }

  // System says light; the toggle says dark, and a reload keeps it.
  await page.emulateMedia({ colorScheme: 'light' });
  const toggle = page.getByLabel('Theme');
  await toggle.selectOption('dark');
  expect((await colours(page)).theme).toBe('dark');
  await page.reload();
  await expect(page.getByLabel('Theme')).toHaveValue('dark');
  expect((await colours(page)).theme).toBe('dark');
  expect(dark((await colours(page)).bg)).toBe(true);
  await page.getByLabel('Theme').selectOption('system');
  expect((await colours(page)).theme).toBe('light');
  await page.emulateMedia({ colorScheme: 'dark' }); // "system" follows a change while the page is open
  await expect.poll(async () => (await colours(page)).theme).toBe('dark');

  // The lessons sidebar beside the lab still fits 1280 px.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByTestId('lessons-toggle').click();
  await expect(page.getByTestId('lessons')).toBeVisible();
  await expectNoSidewaysScroll(page, 'lessons open');
  await expectAllNamed(page);
  await shot(page, info, 'lessons-dark');
});

/** What has the focus: its test id or text, and whether it (or the label of a hidden file input) shows an outline. */
const focused = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null;
  if (!el || el === document.body) return null;
  const shown = el instanceof HTMLInputElement && el.type === 'file' ? el.closest('label') ?? el : el;
  const s = getComputedStyle(shown);
  return {
    id: el.dataset.testid ?? el.id ?? '', tag: el.tagName, text: (el.textContent ?? '').trim().slice(0, 40),
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
  };
});

/** Presses Tab until the element with `testId` has the focus; every control on the way shows its focus. */
async function tabTo(page: Page, testId: string, max = 120) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (!f) continue;
    expect(f.outline, `focus outline on ${f.tag} ${f.id || f.text}`).toBe(true);
    if (f.id === testId) return;
  }
  throw new Error(`${testId} was not reached in ${max} Tabs`);
}

test('keyboard only: skip link, Load demo, Merge; focus always visible; no sideways scroll at 1280 px', async ({ lab, page }, info) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
  await lab.open();
  await expect(page.getByTestId('engine-memory')).toContainText(/Engine memory\s*[\d,]+ tensors/);

  await page.keyboard.press('Tab');
  expect((await focused(page))?.text).toBe('Skip to main content');
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

  await tabTo(page, 'load-demo');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('suite-panel')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });

  await tabTo(page, 'run-merge');
  await page.keyboard.press('Enter');
  const progress = page.getByTestId('merge-panel').getByTestId('progress');
  await expect(progress).toHaveAttribute('aria-live', 'polite');
  await expect(progress).toContainText(/merg|evaluat|pretrained|individual/i);
  // The header's memory indicator (polled every 2 s) sees the tensors the evaluation holds.
  const memory = page.getByTestId('engine-memory');
  await expect.poll(async () => Number(await memory.getAttribute('data-tensors')), { timeout: 60_000, intervals: [250] }).toBeGreaterThan(0);
  expect(Number(await memory.getAttribute('data-bytes'))).toBeGreaterThan(0);
  await expect(page.getByTestId('merge-run')).toHaveCount(1, { timeout: 150_000 });
  await expect(page.getByTestId('results-panel').getByTestId('accuracy-row').first()).toBeVisible({ timeout: 150_000 });
  await expect(page.getByTestId('cancel-merge')).toBeHidden({ timeout: 150_000 });

  await expectAllNamed(page);

  // No keyboard trap: Tab goes through every control of the page and comes back to the skip link.
  await page.locator('.skip-link').focus();
  let steps = 0;
  for (;;) {
    await page.keyboard.press('Tab');
    steps++;
    const f = await focused(page);
    if (f?.text === 'Skip to main content') break;
    if (f) expect(f.outline, `focus outline on ${f.tag} ${f.id || f.text}`).toBe(true);
    expect(steps, 'Tab never came back to the start: a keyboard trap').toBeLessThan(400);
  }

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expectNoSidewaysScroll(page, scheme);
    await shot(page, info, `lab-${scheme}`);
  }
});
