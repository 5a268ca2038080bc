import { expect, type Locator, type Page } from '@playwright/test';

/** The Push screen as a test sees it: the composer's records by row, the live view's rows by remote. */
export class PushPage {
  readonly main: Locator;
  readonly records: Locator;
  readonly preview: Locator;
  readonly progress: Locator;
  readonly deliveries: Locator;
  readonly outcome: Locator;

  constructor(readonly page: Page) {
    this.main = page.getByRole('main', { name: 'Push' });
    this.records = this.main.getByRole('table', { name: 'Records' });
    this.preview = this.main.getByRole('region', { name: /^Preview of version / });
    this.progress = this.main.getByRole('region', { name: 'Progress' });
    this.deliveries = this.main.getByRole('table', { name: 'Deliveries' });
    this.outcome = this.progress.getByRole('status');
  }

  field(label: string): Locator {
    return this.main.getByRole('textbox', { name: label, exact: true });
  }

  /** Fills record `n` (1-based), adding rows as needed. */
  async record(n: number, owner: string, type: string, value: string): Promise<void> {
    while ((await this.records.locator('tbody tr').count()) < n) {
      await this.main.getByRole('button', { name: 'Add record' }).click();
    }
    await this.main.getByRole('textbox', { name: `Owner of record ${n}` }).fill(owner);
    await this.main.getByRole('combobox', { name: `Type of record ${n}` }).selectOption(type);
    await this.main.getByRole('textbox', { name: `Value of record ${n}` }).fill(value);
  }

  recordRow(n: number): Locator {
    return this.records.getByRole('row', { name: `Record ${n}`, exact: true });
  }

  async removeRecord(n: number): Promise<void> {
    await this.main.getByRole('button', { name: `Remove record ${n}` }).click();
  }

  previewCount(status: string): Locator {
    return this.preview.getByRole('list', { name: 'Preview counts' }).locator(`[data-status="${status}"]`);
  }

  /** The live view's count chip for one delivery state, named e.g. "applied 30". */
  stateCount(state: string): Locator {
    return this.progress.getByRole('list', { name: 'Counts per state' }).locator(`[data-state="${state}"]`);
  }

  delivery(remoteId: string): Locator {
    return this.deliveries.getByRole('row', { name: remoteId, exact: true });
  }

  async pushNow(): Promise<void> {
    await this.main.getByRole('button', { name: /^Push to \d+ remote/ }).click();
    await expect(this.progress).toBeVisible();
  }
}
