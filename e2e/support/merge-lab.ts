/**
 * Page object for the merge lab: the suite panel (folder input, Load demo), the merge panel
 * (method, parameter form, run, cancel, downloads) and the accuracy tables, read from what a
 * person sees.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export interface AccuracyRowSeen {
  task: string;
  images: string;
  /** model ("pretrained", "individual", a run key) → metric ("acc" | "norm") → the text shown. */
  cells: Record<string, Record<string, string>>;
}

export class MergeLab {
  constructor(readonly page: Page) {}

  get suitePanel(): Locator { return this.page.getByTestId('suite-panel'); }
  get mergePanel(): Locator { return this.page.getByTestId('merge-panel'); }
  get results(): Locator { return this.page.getByTestId('results-panel'); }
  get sweep(): Locator { return this.page.getByTestId('sweep-panel'); }

  /** Picks a suite folder through the real folder input and waits until it is shown or refused. */
  async pickSuite(dir: string) {
    await this.settled(() => this.page.getByTestId('suite-input').setInputFiles(dir));
  }

  async loadDemo() {
    await this.settled(() => this.page.getByTestId('load-demo').click());
  }

  /** Does `act` and waits until the suite load it started has shown its suite or its error. */
  private async settled(act: () => Promise<void>) {
    const attempt = Number(await this.suitePanel.getAttribute('data-attempt'));
    await act();
    await expect(this.suitePanel).toHaveAttribute('data-attempt', String(attempt + 1));
    await expect(this.suitePanel).toHaveAttribute('data-status', /ready|error/, { timeout: 60_000 });
  }

  task(name: string): Locator {
    return this.page.locator(`[data-testid="suite-task"][data-task="${name}"]`);
  }

  async chooseMethod(label: string) {
    await this.page.getByTestId('method').selectOption({ label });
  }

  async setParam(name: string, value: string) {
    const field = this.page.locator(`[data-testid="param-form"] [data-param="${name}"]`);
    const select = field.locator('select');
    if (await select.count()) await select.selectOption(value);
    else await field.locator('input').fill(value);
  }

  /** Clicks the run button and waits for the run to appear (and, on a suite, its table column). */
  async merge(timeout = 150_000) {
    const before = await this.page.getByTestId('merge-run').count();
    await this.page.getByTestId('run-merge').click();
    await expect(this.page.getByTestId('merge-run')).toHaveCount(before + 1, { timeout });
    await expect(this.page.getByTestId('cancel-merge')).toBeHidden({ timeout });
  }

  /** Clicks the run button for a merge that must fail, and returns the error shown in the merge panel. */
  async failingMerge(): Promise<Locator> {
    await this.page.getByTestId('run-merge').click();
    const alert = this.mergePanel.getByRole('alert');
    await expect(alert).toBeVisible();
    return alert;
  }

  /** The rows of an accuracy table (the results panel's by default). */
  async table(scope: Locator = this.results): Promise<AccuracyRowSeen[]> {
    return scope.getByTestId('accuracy-row').evaluateAll((trs) => trs.map((tr) => {
      const cells: Record<string, Record<string, string>> = {};
      for (const td of Array.from(tr.querySelectorAll('td[data-model]'))) {
        const m = td.getAttribute('data-model')!;
        (cells[m] ??= {})[td.getAttribute('data-metric')!] = (td.textContent ?? '').trim();
      }
      return { task: tr.getAttribute('data-task')!, images: (tr.querySelectorAll('td')[0]?.textContent ?? '').trim(), cells };
    }));
  }

  /** Run keys of the merge columns in table order. */
  async runKeys(): Promise<string[]> {
    return this.page.getByTestId('merge-run').evaluateAll((els) => els.map((e) => e.getAttribute('data-run')!));
  }
}
