import type { Locator, Page } from '@playwright/test';

/** Notifications the page raised, recorded by the Notification stub `stubNotifications` installs. */
interface Recorded {
  __notices?: { title: string; body: string }[];
}

/**
 * Replaces the browser's Notification before the page loads (an init script runs before any of the
 * page's code and is not subject to its CSP): permission granted, every notification recorded in
 * window.__notices, so a test asserts how many the page raised.
 */
export async function stubNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    // The page's global: this runs in the browser, where the e2e project's types have no DOM.
    const page = globalThis as unknown as Recorded;
    page.__notices = [];
    class RecordedNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string, options?: { body?: string }) {
        page.__notices?.push({ title, body: options?.body ?? '' });
      }
      close() {}
    }
    Object.defineProperty(globalThis, 'Notification', { value: RecordedNotification, configurable: true });
  });
}

/** The Alerts screen as a test sees it: rows by alert id, each with `data-state` and `data-rule`. */
export class AlertsPage {
  readonly main: Locator;
  readonly table: Locator;
  readonly firing: Locator;
  readonly comment: Locator;
  readonly rules: Locator;

  constructor(readonly page: Page) {
    this.main = page.getByRole('main', { name: 'Alerts' });
    this.table = this.main.getByTestId('alerts-table');
    this.firing = page.getByTestId('alerts-firing');
    this.comment = this.main.getByRole('textbox', { name: 'Comment' });
    this.rules = this.main.getByTestId('alert-rules');
  }

  /** By the top bar's firing count, as an admin gets there from any screen. */
  async open(): Promise<void> {
    await this.firing.click();
    await this.main.waitFor();
  }

  rows(): Locator {
    return this.table.locator('tr[data-alert-id]');
  }

  /** The alert of one rule about one remote (its subject links to the remote). */
  alertOf(rule: string, remoteId: string): Locator {
    return this.table.locator(`tr[data-rule="${rule}"]`).filter({ hasText: remoteId });
  }

  /** Sets one rule's fields in the Rules panel and saves. */
  async setRule(label: string, fields: { threshold?: number; holdS?: number; hysteresis?: number }) {
    if (!(await this.rules.isVisible())) await this.main.getByRole('button', { name: 'Rules' }).click();
    if (fields.hysteresis !== undefined)
      await this.rules.getByLabel(`${label}: hysteresis`).fill(String(fields.hysteresis));
    if (fields.threshold !== undefined)
      await this.rules.getByLabel(new RegExp(`^${label}: threshold`)).fill(String(fields.threshold));
    if (fields.holdS !== undefined)
      await this.rules.getByLabel(`${label}: hold (s)`).fill(String(fields.holdS));
    await this.rules.getByRole('button', { name: 'Save rules' }).click();
    await this.rules.getByTestId('alert-rules-saved').waitFor();
  }

  async acknowledge(row: Locator, comment: string): Promise<void> {
    await row.getByRole('checkbox').check();
    await this.comment.fill(comment);
    await this.main.getByRole('button', { name: /^Acknowledge \d+/ }).click();
  }

  notices(): Promise<{ title: string; body: string }[]> {
    return this.page.evaluate(() => (globalThis as unknown as Recorded).__notices ?? []);
  }
}
