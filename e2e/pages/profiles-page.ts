import type { Locator, Page } from '@playwright/test';

/** The IPAM switcher of the connection bar and the Profiles screen, as a test sees them. */
export class ProfilesPage {
  readonly switcher: Locator;
  readonly menu: Locator;
  readonly main: Locator;
  readonly table: Locator;
  readonly importForm: Locator;
  readonly importError: Locator;
  readonly passphrase: Locator;

  constructor(readonly page: Page) {
    this.switcher = page.getByRole('button', { name: /^IPAM profile: / });
    this.menu = page.getByRole('menu', { name: 'Switch IPAM profile' });
    this.main = page.getByRole('main', { name: 'IPAM profiles' });
    this.table = this.main.getByRole('table', { name: 'Profiles' });
    this.importForm = this.main.getByRole('region', { name: 'Import a profile' });
    this.importError = this.importForm.getByRole('alert');
    this.passphrase = this.importForm.getByLabel('Bundle passphrase');
  }

  /** Picks another IPAM from the connection bar's menu. */
  async switchTo(name: string): Promise<void> {
    await this.switcher.click();
    await this.menu.getByRole('menuitem', { name, exact: true }).click();
  }

  row(name: string): Locator {
    return this.table.getByRole('row', { name, exact: true });
  }

  /** Fills the Import form for a PKCS#12 bundle and submits it. */
  async importPkcs12(opts: { name: string; primary: string; bundle: Buffer; passphrase: string }) {
    const form = this.importForm;
    await form.getByLabel('Profile name').fill(opts.name);
    await form.getByLabel('Primary broker').fill(opts.primary);
    await form.getByRole('radio', { name: 'PKCS#12 bundle' }).check();
    await form
      .getByLabel('Bundle file (.p12 or .pfx)')
      .setInputFiles({ name: 'console.p12', mimeType: 'application/x-pkcs12', buffer: opts.bundle });
    await this.passphrase.fill(opts.passphrase);
    await form.getByRole('button', { name: 'Import profile' }).click();
  }
}
