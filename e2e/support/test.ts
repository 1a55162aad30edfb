/**
 * The e2e `test`: Playwright's, plus a LabPage object and a check that the page (and its worker)
 * logged no console error and threw no uncaught exception during the test.
 */
import { test as base, expect } from '@playwright/test';
import { LabPage } from './lab-page';

export const test = base.extend<{ lab: LabPage; consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
      page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
      await use(errors);
      expect(errors, 'the page logged errors').toEqual([]);
    },
    { auto: true },
  ],
  lab: async ({ page }, use) => use(new LabPage(page)),
});

export { expect };
