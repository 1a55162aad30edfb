/**
 * Page object for the lab: what a person sees and does (the backend badge, the folder picker,
 * the checkpoint cards and their checks), read from the visible page.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const fixture = (...parts: string[]) => join(FIXTURES, ...parts);

export interface GoldenRowSeen {
  output: string;
  diff: number;
  verdict: string;
}

export class LabPage {
  constructor(readonly page: Page) {}

  /** Opens the page (optionally with a query, e.g. "?backend=webgpu") and waits for the engine. */
  async open(query = '', base?: string) {
    await this.page.goto(base ? `${base}/${query}` : `/${query}`);
    await expect(this.backendBadge).not.toHaveText(/starting/, { timeout: 60_000 });
  }

  get backendBadge(): Locator {
    return this.page.getByTestId('backend');
  }

  /** The backend's reasons (the list under the badge). */
  async reasons(): Promise<string> {
    await this.backendBadge.click(); // opens the <details>
    return (await this.page.getByTestId('backend-reasons').innerText()).trim();
  }

  /** Picks a folder through the real folder input (webkitdirectory). */
  async pickFolder(dir: string) {
    await this.page.getByTestId('folder-input').setInputFiles(dir);
  }

  card(name: string): Locator {
    return this.page.locator(`[data-testid="checkpoint"][data-name="${name}"]`);
  }

  async waitLoaded(name: string) {
    await expect(this.card(name)).toHaveAttribute('data-status', /ready|error/, { timeout: 60_000 });
  }

  /** Clicks "Check against golden" on a card and reads the visible result table. */
  async checkGolden(name: string, timeout = 150_000): Promise<{ verdict: string; rows: GoldenRowSeen[] }> {
    const card = this.card(name);
    await card.getByRole('button', { name: 'Check against golden' }).click();
    const result = card.getByTestId('golden-result');
    await expect(result).toBeVisible({ timeout });
    const rows = await result.getByTestId('golden-row').evaluateAll((trs) =>
      trs.map((tr) => {
        const cells = Array.from(tr.querySelectorAll('td'), (td) => (td.textContent ?? '').trim());
        return { output: cells[0], diffText: cells[2], verdict: cells[3] };
      }));
    return {
      verdict: (await result.getByTestId('golden-verdict').innerText()).trim(),
      rows: rows.map((r) => ({ output: r.output, diff: r.diffText === '∞' ? Infinity : Number(r.diffText), verdict: r.verdict })),
    };
  }
}
