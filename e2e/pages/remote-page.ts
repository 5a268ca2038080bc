import type { Locator, Page } from '@playwright/test';

/** The Remote screen as a test sees it: panels by their headings, facts by their row names. */
export class RemotePage {
  readonly main: Locator;
  readonly systemInfo: Locator;
  readonly processes: Locator;
  readonly trends: Locator;
  readonly chart: Locator;
  readonly actions: Locator;
  readonly actionResult: Locator;
  readonly events: Locator;

  constructor(readonly page: Page) {
    this.main = page.getByRole('main', { name: /^Remote / });
    this.systemInfo = page.getByRole('region', { name: 'System information' });
    this.processes = page.getByRole('region', { name: 'Processes' });
    this.trends = page.getByRole('region', { name: 'Trends' });
    this.chart = this.trends.getByRole('img');
    this.actions = page.getByRole('region', { name: 'Actions' });
    this.actionResult = this.actions.getByRole('status');
    this.events = page.getByRole('region', { name: 'Recent events' }).getByRole('listitem');
  }

  heading(id: string): Locator {
    return this.main.getByRole('heading', { name: id, exact: true });
  }

  /** The value cell of one System Information row, e.g. fact('Host name'). */
  fact(name: string): Locator {
    return this.systemInfo.getByRole('row', { name: new RegExp(`^${name}`) }).getByRole('cell');
  }

  gauge(label: 'CPU' | 'Memory' | 'Disk'): Locator {
    return this.main.getByRole('meter', { name: label });
  }

  process(name: string): Locator {
    return this.processes.locator(`tr[data-process="${name}"]`);
  }

  /** Clicks e.g. Restart for named; a restart is confirmed in its dialog. */
  async command(service: string, action: 'Reload' | 'Restart' | 'Flush cache'): Promise<void> {
    await this.actions.getByRole('group', { name: service }).getByRole('button', { name: action }).click();
    if (action === 'Restart') {
      const confirm = this.page.getByRole('dialog', { name: `Restart ${service}?` });
      await confirm.getByRole('button', { name: 'Restart' }).click();
    }
  }

  async showTrend(metric: string, range?: string): Promise<void> {
    await this.trends.getByRole('group', { name: 'Metric' }).getByRole('button', { name: metric }).click();
    if (range)
      await this.trends.getByRole('group', { name: 'Range' }).getByRole('button', { name: range }).click();
  }
}
