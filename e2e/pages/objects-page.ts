import type { Locator, Page } from '@playwright/test';

/**
 * Zones & Scopes as a test sees it: objects by key (`zone:example.test`), one object's remotes by id, each
 * row carrying its state (`data-state`) and whether its report is stale (`data-stale`).
 */
export class ObjectsPage {
  readonly main: Locator;
  readonly table: Locator;
  readonly detail: Locator;
  readonly remotes: Locator;
  readonly search: Locator;
  readonly badge: Locator;
  readonly action: Locator;

  constructor(readonly page: Page) {
    this.main = page.getByRole('main', { name: 'Zones & Scopes' });
    this.table = this.main.getByRole('table', { name: 'Zones and scopes' });
    this.detail = this.main.locator('.object-detail');
    this.remotes = this.main.getByTestId('object-remotes');
    this.search = this.main.getByRole('searchbox', { name: 'Search zones and scopes' });
    this.badge = page.getByTestId('drift-badge');
    this.action = this.main.getByTestId('object-action');
  }

  /** By the "g z" shortcut, as an admin goes there. */
  async open(): Promise<void> {
    await this.page.locator('body').click({ position: { x: 1, y: 1 } });
    await this.page.keyboard.press('g');
    await this.page.keyboard.press('z');
    await this.main.waitFor();
  }

  object(key: string): Locator {
    return this.table.locator(`[role="row"][data-key="${key}"]`);
  }

  /** An object's count cell for one state, by column: in sync, drifted, missing, extra, unknown. */
  count(key: string, state: 'in-sync' | 'drifted' | 'missing' | 'extra' | 'unknown'): Locator {
    const column = ['in-sync', 'drifted', 'missing', 'extra', 'unknown'].indexOf(state) + 2;
    return this.object(key).getByRole('cell').nth(column);
  }

  /** Opens one object (the table is virtualized: the search brings its row into view first). */
  async openObject(key: string, name: string): Promise<void> {
    await this.search.fill(name);
    await this.object(key).getByRole('link', { name }).click();
    await this.detail.waitFor();
  }

  remote(id: string): Locator {
    return this.remotes.locator(`[role="row"][data-remote-id="${id}"]`);
  }

  /** One remote's cell by column: 0 remote, 1 state, 2 version, 3 serial, 4 hash, 5 since, 6 reported. */
  cell(id: string, column: number): Locator {
    return this.remote(id).getByRole('cell').nth(column);
  }
}
