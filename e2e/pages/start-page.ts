import type { Locator, Page } from '@playwright/test';

/** The screens before a profile is open, as a test sees them: onboarding (the first import) and unlock. */
export class StartPage {
  readonly welcome: Locator;
  readonly importForm: Locator;
  readonly importError: Locator;
  readonly unlock: Locator;
  readonly unlockForm: Locator;
  readonly unlockError: Locator;
  readonly passphrase: Locator;

  constructor(readonly page: Page) {
    this.welcome = page.getByRole('main', { name: 'Welcome' });
    this.importForm = this.welcome.getByRole('region', { name: 'Import a profile' });
    this.importError = this.importForm.getByRole('alert');
    this.unlock = page.getByRole('main', { name: 'Unlock' });
    this.unlockForm = this.unlock.getByRole('form', { name: 'Unlock a profile' });
    this.unlockError = this.unlock.getByRole('alert');
    this.passphrase = this.unlockForm.getByLabel('Passphrase', { exact: true });
  }

  /** Fills the first import for a PKCS#12 bundle, with the passphrase that will seal its keys, and submits. */
  async importPkcs12(opts: {
    name: string;
    primary: string;
    secondary?: string;
    bundle: Buffer;
    bundlePassphrase: string;
    newPassphrase: string;
    newPassphraseAgain?: string;
  }): Promise<void> {
    const form = this.importForm;
    await form.getByLabel('Profile name').fill(opts.name);
    await form.getByLabel('Primary broker').fill(opts.primary);
    if (opts.secondary) await form.getByLabel('Secondary broker (optional)').fill(opts.secondary);
    await form.getByRole('radio', { name: 'PKCS#12 bundle' }).check();
    await form
      .getByLabel('Bundle file (.p12 or .pfx)')
      .setInputFiles({ name: 'console.p12', mimeType: 'application/x-pkcs12', buffer: opts.bundle });
    await form.getByLabel('Bundle passphrase').fill(opts.bundlePassphrase);
    await form.getByLabel('New passphrase', { exact: true }).fill(opts.newPassphrase);
    await form.getByLabel('New passphrase again').fill(opts.newPassphraseAgain ?? opts.newPassphrase);
    await form.getByRole('button', { name: 'Import and connect' }).click();
  }

  async unlockWith(passphrase: string): Promise<void> {
    await this.passphrase.fill(passphrase);
    await this.unlockForm.getByRole('button', { name: 'Unlock' }).click();
  }
}
