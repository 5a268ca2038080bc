import type { Locator, Page } from '@playwright/test';

/** The Broker path screen: the brokers, and each remote's queues as the broker counts them. */
export class BrokerPage {
  readonly main: Locator;
  readonly activeBroker: Locator;
  readonly brokers: Locator;
  readonly queues: Locator;
  readonly summary: Locator;

  constructor(readonly page: Page) {
    this.main = page.getByRole('main', { name: 'Broker path' });
    this.activeBroker = this.main.getByTestId('active-broker');
    this.brokers = this.main.getByRole('table', { name: 'Brokers' });
    this.queues = this.main.getByRole('table', { name: 'Remote queues' });
    this.summary = this.main.getByRole('status', { name: 'Backlog summary' });
  }

  broker(name: string): Locator {
    return this.brokers.locator(`tr[data-broker="${name}"]`);
  }

  queue(remoteId: string): Locator {
    return this.queues.locator(`tr[data-remote-id="${remoteId}"]`);
  }
}
