import { expect, type Locator, type Page } from '@playwright/test';

export type RowStatus = 'online' | 'offline' | 'unknown';

/** The fleet screen as a test sees it: rows named by remote id, cells by role. */
export class FleetPage {
  readonly table: Locator;
  readonly rows: Locator;
  readonly search: Locator;
  readonly broker: Locator;

  constructor(readonly page: Page) {
    this.table = page.getByRole('table', { name: 'Remotes' });
    this.rows = this.table.locator('[role="row"][data-remote-id]');
    this.search = page.getByRole('searchbox', { name: 'Search remotes' });
    this.broker = page.getByRole('region', { name: 'Broker connection' });
  }

  async open(url: string): Promise<void> {
    const response = await this.page.goto(url);
    expect(response?.status()).toBe(200);
    await expect(this.table).toBeVisible();
  }

  /**
   * Ticks these remotes with the keyboard (space on a focused checkbox), each searched for first: the
   * table is virtualized, so a row exists once it is in view.
   */
  async select(ids: string[]): Promise<void> {
    for (const id of ids) {
      await this.search.fill(id);
      const box = this.row(id).getByRole('checkbox', { name: `Select ${id}` });
      await box.focus();
      await box.press('Space');
      await expect(box).toBeChecked();
    }
    await this.search.fill('');
  }

  row(id: string): Locator {
    return this.table.getByRole('row', { name: id, exact: true });
  }

  rowsWithStatus(status: RowStatus): Locator {
    return this.table.locator(`[role="row"][data-status="${status}"]`);
  }

  /** The CPU cell's accessible name, e.g. "CPU 12 %". */
  async cpu(id: string): Promise<string> {
    return (await this.row(id).getByRole('cell', { name: /^CPU / }).getAttribute('aria-label')) ?? '';
  }

  /** When each shown remote was last heard from (the console's clock, ms), as its row carries it. */
  async lastSeenAt(): Promise<Record<string, string>> {
    const rows = await this.rows.evaluateAll((rows) =>
      rows.map(
        (r) => [r.getAttribute('data-remote-id') ?? '', r.getAttribute('data-last-seen') ?? ''] as const,
      ),
    );
    return Object.fromEntries(rows);
  }

  /** Seconds since each shown remote was last heard from, read from the "Last seen" column. */
  async lastSeenAges(): Promise<Record<string, number>> {
    const cells = await this.rows.evaluateAll((rows) =>
      rows.map(
        (r) => [r.getAttribute('data-remote-id') ?? '', r.lastElementChild?.textContent ?? ''] as const,
      ),
    );
    const ages: Record<string, number> = {};
    for (const [id, text] of cells) {
      const m = text.match(/^(\d+) s ago$/);
      ages[id] = m ? Number(m[1]) : Number.POSITIVE_INFINITY;
    }
    return ages;
  }
}
