import { expect, test } from './fixtures';

// A fleet of its own: the fleet spec kills parts of the default one.
test.use({ fleet: { groups: [{ remotes: 5, first: 1 }], statsIntervalMs: 1000 } });

test('opens a remote from the fleet and shows what it reports', async ({ fleetPage, remotePage }) => {
  const row = fleetPage.row('r-0002');
  await expect(row).toHaveAttribute('data-status', 'online');
  const hostname = (await row.getByRole('cell').nth(1).textContent()) ?? '';
  const ip = (await row.getByRole('cell').nth(2).textContent()) ?? '';
  expect(hostname).not.toBe('');

  await row.getByRole('link', { name: 'r-0002' }).click();
  await expect(remotePage.heading('r-0002')).toBeVisible();
  expect(new URL(remotePage.page.url()).hash).toBe('#/remote/r-0002');

  await expect(remotePage.fact('Host name')).toHaveText(hostname);
  await expect(remotePage.fact('IP addresses')).toContainText(ip.replace(/\+\d+$/, ''));
  await expect(remotePage.fact('Service tag')).not.toHaveText('');
  await expect(remotePage.fact('Time on the system')).toHaveText(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  await expect(remotePage.fact('System uptime')).toHaveText(/\d+ (s|min|h|d)/);
  await expect(remotePage.fact('Load averages')).toHaveText(/^\d+\.\d\d\s+\d+\.\d\d\s+\d+\.\d\d$/);
  await expect(remotePage.gauge('CPU')).toHaveAttribute('aria-valuenow', /^\d+$/);
  await expect(remotePage.process('named')).toHaveAttribute('data-state', 'running');

  // The live figures move on while the screen is open.
  const before = await remotePage.gauge('CPU').getAttribute('aria-valuetext');
  await expect
    .poll(() => remotePage.gauge('CPU').getAttribute('aria-valuetext'), { timeout: 30_000 })
    .not.toBe(before);
});

test('charts CPU, memory and DNS queries from the console’s own store', async ({ fleetPage, remotePage }) => {
  await fleetPage.row('r-0003').getByRole('link', { name: 'r-0003' }).click();
  await expect(remotePage.chart).toHaveAttribute('aria-label', 'CPU over 1 hour');
  await expect(remotePage.chart).toHaveAttribute('data-points', /^[1-9]\d*$/);
  await remotePage.showTrend('Memory', '24 hours');
  await expect(remotePage.chart).toHaveAttribute('aria-label', 'Memory over 24 hours');
  await expect(remotePage.chart).toHaveAttribute('data-points', /^[1-9]\d*$/);
  await remotePage.showTrend('DNS queries/s', '1 hour');
  await expect(remotePage.chart).toHaveAttribute('data-points', /^[1-9]\d*$/, { timeout: 60_000 });
  await remotePage.page.screenshot({ path: test.info().outputPath('remote.png') });
});

test('reloads and restarts a service, asking before the restart, and lists it in the events', async ({
  fleetPage,
  remotePage,
}) => {
  // r-0002 runs named and kea-dhcp4 in the simulation.
  await fleetPage.row('r-0002').getByRole('link', { name: 'r-0002' }).click();
  await remotePage.command('named', 'Reload');
  await expect(remotePage.actionResult).toHaveText(/^Reload named: done at \d\d:\d\d:\d\d\.$/);
  await remotePage.command('named', 'Restart');
  await expect(remotePage.actionResult).toHaveText(/^Restart named: done at /);
  await expect(remotePage.events.filter({ hasText: /^.*restart named done, asked by / })).toHaveCount(1);
  await expect(remotePage.events.filter({ hasText: 'named restarted (pid' })).not.toHaveCount(0);
  await remotePage.command('kea-dhcp4', 'Reload');
  await expect(remotePage.actionResult).toHaveText(/^Reload kea-dhcp4: done at /);
});

test('goes back with Escape and to the fleet with g f, and lists the shortcuts with ?', async ({
  fleetPage,
  remotePage,
}) => {
  const page = fleetPage.page;
  await fleetPage.row('r-0001').getByRole('link', { name: 'r-0001' }).click();
  await expect(remotePage.heading('r-0001')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(fleetPage.table).toBeVisible();
  await page.goBack();
  await expect(remotePage.heading('r-0001')).toBeVisible();
  await page.keyboard.press('g');
  await page.keyboard.press('f');
  await expect(fleetPage.table).toBeVisible();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Go to the fleet');
  await help.getByRole('button', { name: 'Close' }).click();
  await expect(help).toBeHidden();
});

test('says so when a link names a remote this fleet does not have', async ({ fleetPage, remotePage }) => {
  await fleetPage.page.goto(`${new URL(fleetPage.page.url()).origin}/#/remote/r-9999`);
  await expect(remotePage.main).toContainText('No remote r-9999 in this fleet');
  await remotePage.main.getByRole('link', { name: /Fleet/ }).click();
  await expect(fleetPage.table).toBeVisible();
});
