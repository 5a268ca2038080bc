import type { Locator, Page } from '@playwright/test';

/** The Drafts screen as a test sees it: the list, the open draft's fields by name, the conflict check. */
export class DraftsPage {
  readonly main: Locator;
  readonly list: Locator;
  readonly editor: Locator;
  readonly status: Locator;
  readonly validity: Locator;
  readonly base: Locator;
  readonly check: Locator;

  constructor(readonly page: Page) {
    this.main = page.getByRole('main', { name: 'Drafts' });
    this.list = page.getByRole('table', { name: 'Drafts list' });
    this.editor = this.main.locator('.draft-editor');
    this.status = page.getByRole('status', { name: 'Draft status' });
    this.validity = page.getByRole('status', { name: 'Validity' });
    this.base = page.getByTestId('draft-base');
    this.check = page.getByRole('region', { name: 'Conflict check' });
  }

  /** By the "g d" shortcut, as an admin goes there. */
  async open(): Promise<void> {
    await this.page.locator('body').click({ position: { x: 1, y: 1 } });
    await this.page.keyboard.press('g');
    await this.page.keyboard.press('d');
    await this.main.waitFor();
  }

  async newZone(name: string, zone: string, targets: string): Promise<void> {
    await this.main.getByRole('link', { name: 'New draft' }).click();
    await this.page.getByRole('textbox', { name: 'Draft name' }).fill(name);
    await this.page.getByRole('textbox', { name: 'Zone name' }).fill(zone);
    await this.page.getByRole('textbox', { name: 'Targets' }).fill(targets);
  }

  field(name: string): Locator {
    return this.editor.getByRole('textbox', { name, exact: true });
  }

  row(draftName: string): Locator {
    return this.list.getByRole('row').filter({ has: this.page.getByRole('link', { name: draftName }) });
  }

  /** One remote's line in the conflict check. */
  checked(remoteId: string): Locator {
    return this.check.locator(`li[data-remote="${remoteId}"]`);
  }

  async save(): Promise<void> {
    await this.page.getByRole('button', { name: 'Save draft' }).click();
  }
}
