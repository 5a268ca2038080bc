import { expect, test } from './fixtures';
import { LeasesPage } from './pages/leases-page';

test.use({ fleet: { groups: [{ remotes: 3, first: 1 }] } });

test('lease search asks the online DHCP remotes, and refuses a malformed MAC before sending', async ({
  fleetPage,
}) => {
  const page = fleetPage.page;
  await page.keyboard.press('g');
  await page.keyboard.press('l');
  expect(new URL(page.url()).hash).toBe('#/leases');
  const leases = new LeasesPage(page);

  await leases.find('52:54:00:zz:00:01');
  await expect(leases.refusal).toHaveText(/"52:54:00:zz:00:01" is not a MAC address: "zz" is not a hex byte/);
  await expect(leases.outcome).toHaveCount(0);

  // Simulated remotes serve no scope until one is pushed, so they hold no lease: every one answers none.
  await leases.find('192.0.2.10', 'ip');
  await expect(leases.outcome).toHaveText(
    /^No lease with ip 192\.0\.2\.10 on the [1-9]\d* DHCP remote\(s\) asked\.$/,
  );
  await expect(leases.refusal).toHaveCount(0);
  await expect(leases.table).toHaveCount(0);
});
