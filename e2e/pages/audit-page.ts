import type { Download, Locator, Page } from '@playwright/test';

/** The Audit screen as a test sees it: the search, the filters, the entries and the export. */
export class AuditPage {
  readonly main: Locator;
  readonly search: Locator;
  readonly action: Locator;
  readonly range: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  readonly matching: Locator;
  readonly empty: Locator;

  constructor(readonly page: Page) {
    this.main = page.getByRole('main', { name: 'Audit' });
    this.search = this.main.getByRole('searchbox', { name: 'Search the audit trail' });
    this.action = this.main.getByRole('combobox', { name: 'Action' });
    this.range = this.main.getByRole('combobox', { name: 'Time range' });
    this.table = this.main.getByRole('table', { name: 'Audit entries' });
    this.rows = this.table.getByRole('row').filter({ has: page.getByRole('cell') });
    this.matching = this.main.getByRole('status', { name: 'Matching entries' });
    this.empty = this.main.locator('p.empty');
  }

  entry(action: string, subject: string): Locator {
    return this.rows
      .filter({ has: this.page.getByRole('cell', { name: subject, exact: true }) })
      .and(this.page.locator(`tr[data-action="${action}"]`));
  }

  /** Clicks Export CSV and returns the download it starts. */
  async exportCsv(): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.main.getByRole('button', { name: 'Export CSV' }).click();
    return download;
  }
}
