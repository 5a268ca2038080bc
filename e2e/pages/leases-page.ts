import type { Locator, Page } from '@playwright/test';

/** The Leases screen as a test sees it: the search box, the kind, the results and the outcome. */
export class LeasesPage {
  readonly main: Locator;
  readonly search: Locator;
  readonly by: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  readonly outcome: Locator;
  readonly refusal: Locator;

  constructor(readonly page: Page) {
    this.main = page.getByRole('main', { name: 'Leases' });
    this.search = this.main.getByRole('searchbox', { name: 'Search leases' });
    this.by = this.main.getByRole('combobox', { name: 'Search by' });
    this.table = this.main.getByRole('table', { name: 'Leases found' });
    this.rows = this.table.getByRole('row').filter({ has: page.getByRole('cell') });
    this.outcome = this.main.getByRole('status', { name: 'Search outcome' });
    this.refusal = this.main.getByRole('alert');
  }

  async open(): Promise<void> {
    await this.page.goto(`${this.page.url().split('#')[0]}#/leases`);
  }

  /** Types the value and searches (by the kind, when given). */
  async find(value: string, by?: 'ip' | 'mac' | 'client-id' | 'hostname'): Promise<void> {
    await this.search.fill(value);
    if (by) await this.by.selectOption(by);
    await this.main.getByRole('button', { name: 'Search' }).click();
  }

  /** The row of one lease, on one remote. */
  lease(remoteId: string, ipAddress: string): Locator {
    return this.rows
      .and(this.page.locator(`tr[data-remote="${remoteId}"]`))
      .filter({ has: this.page.getByRole('cell', { name: ipAddress, exact: true }) });
  }
}
