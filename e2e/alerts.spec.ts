import { expect, test } from './fixtures';
import { AlertsPage, stubNotifications } from './pages/alerts-page';
import { FleetPage } from './pages/fleet-page';

// A fleet of its own: this spec kills r-0003's process (alone in the second simulate process).
test.use({
  fleet: {
    groups: [
      { remotes: 2, first: 1 },
      { remotes: 1, first: 3 },
    ],
  },
});

test('a stopped remote raises an offline alert after the hold time; acknowledged from the UI; one notification', async ({
  env,
  page,
}) => {
  await stubNotifications(page);
  const fleet = new FleetPage(page);
  await fleet.open(env.url);
  const alerts = new AlertsPage(page);
  await alerts.open();
  // Short times so the test does not wait minutes: offline after 5 s of silence, held 5 s.
  await alerts.setRule('Remote offline', { hysteresis: 0, threshold: 5, holdS: 5 });
  await expect(alerts.firing).toHaveAttribute('data-firing', '0');

  const [, lone] = env.sims;
  if (!lone) throw new Error('the fixture starts two simulate processes');
  await lone.stop('SIGKILL');

  const row = alerts.alertOf('remote-offline', 'r-0003');
  await expect(row).toHaveAttribute('data-state', 'firing', { timeout: 90_000 });
  await expect(alerts.firing).toHaveAttribute('data-firing', '1');
  await expect.poll(() => alerts.notices().then((n) => n.length), { timeout: 30_000 }).toBe(1);
  expect((await alerts.notices())[0]?.title).toContain('r-0003');

  await alerts.acknowledge(row, 'r-0003 is being replaced');
  await expect(row).toHaveAttribute('data-state', 'acknowledged');
  await expect(row.getByTestId('alert-ack')).toContainText('r-0003 is being replaced');
  await expect(alerts.firing).toHaveAttribute('data-firing', '0');
  // Acknowledging raises nothing new: still the one notification of the firing.
  expect(await alerts.notices()).toHaveLength(1);
});
