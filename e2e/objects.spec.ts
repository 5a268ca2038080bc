import { ObjectsPage } from './pages/objects-page';
import { PushPage } from './pages/push-page';
import { expect, test } from './fixtures';

/**
 * Zones & Scopes on simulated remotes: r-0001 to r-0004 in one `simulate` process, r-0005 alone in a second
 * one so the test can stop it (its report then shows stale). The simulation gives r-<n> a role by n mod 3
 * (DNS, DHCP, both): r-0002, r-0003 and r-0005 serve DNS, r-0001 and r-0004 DHCP only.
 */
test.use({
  fleet: {
    groups: [
      { remotes: 4, first: 1 },
      { remotes: 1, first: 5 },
    ],
  },
});

const ZONE = 'e2e-objects.example';
const KEY = `zone:${ZONE}`;
const TARGETS = ['r-0002', 'r-0003', 'r-0005'];
const zoneText = (serial: number, address: string) =>
  `$ORIGIN ${ZONE}.\n$TTL 300\n@ IN SOA ns1 hostmaster ${serial} 3600 600 1209600 300\n@ IN NS ns1\nns1 IN A ${address}\n`;

async function pushZoneText(push: PushPage, text: string): Promise<void> {
  await push.main.getByRole('button', { name: 'Zone text' }).click();
  await push.field('Zone').fill(ZONE);
  await push.main.getByRole('textbox', { name: /^Zone file/ }).fill(text);
  await push.pushNow();
  await expect(push.stateCount('applied')).toHaveAttribute('aria-label', `applied ${TARGETS.length}`, {
    timeout: 60_000,
  });
}

test('lists a pushed zone in sync on every target, reverts it through the Push screen, and shows a stopped remote’s report as stale', async ({
  env,
  fleetPage,
}) => {
  const page = fleetPage.page;
  await expect(page.getByRole('button', { name: 'Online 5' })).toBeVisible({ timeout: 60_000 });

  // Two versions of one zone to three DNS remotes, through the ordinary Push screen.
  const push = new PushPage(page);
  const bar = page.getByRole('region', { name: 'Selection' });
  await fleetPage.select(TARGETS);
  for (const [serial, address] of [
    [1, '192.0.2.1'],
    [2, '192.0.2.2'],
  ] as const) {
    await page
      .getByRole('navigation', { name: 'Screens' })
      .getByRole('link', { name: /^Fleet/ })
      .click();
    // The selection stays while the admin pushes: the second version goes to the same three.
    await expect(bar).toContainText(`${TARGETS.length} selected`);
    await bar.getByRole('button', { name: 'Push…' }).click();
    await pushZoneText(push, zoneText(serial, address));
  }

  // Each remote's served inventory arrives: in sync on all three, nothing drifted.
  const objects = new ObjectsPage(page);
  await objects.open();
  expect(new URL(page.url()).hash).toBe('#/objects');
  await objects.search.fill(ZONE);
  await expect(objects.count(KEY, 'in-sync')).toHaveText('3', { timeout: 60_000 });
  await expect(objects.count(KEY, 'drifted')).toHaveText('0');
  await expect(objects.count(KEY, 'missing')).toHaveText('0');
  await expect(objects.object(KEY)).toHaveAttribute('data-owned', 'true');
  await expect(objects.object(KEY).getByRole('cell').nth(1)).toHaveText('v2 of 2');
  await expect(objects.badge).toHaveCount(0);

  await objects.openObject(KEY, ZONE);
  expect(new URL(page.url()).hash).toBe(`#/objects/${encodeURIComponent(KEY)}`);
  for (const id of TARGETS) {
    await expect(objects.remote(id)).toHaveAttribute('data-state', 'in-sync');
    await expect(objects.cell(id, 2)).toHaveText('v2');
    await expect(objects.cell(id, 3)).toHaveText('2');
    await expect(objects.cell(id, 4)).toHaveText(/^[0-9a-f]{8}$/);
  }
  // Nothing to reconcile: the button says so rather than planning an empty push.
  await expect(objects.detail.getByRole('button', { name: /^Reconcile/ })).toBeDisabled();
  await page.screenshot({ path: test.info().outputPath('objects-in-sync.png') });

  // History, and a revert to version 1 that the Push screen previews (a diff against what is served).
  await objects.detail.getByRole('button', { name: 'History (2)' }).click();
  const v1 = objects.detail.locator('tr[data-version="1"]');
  await expect(objects.detail.locator('tr[data-version="2"]')).toContainText('(intended)');
  await expect(v1).toContainText('3 remotes');
  await v1.getByRole('button', { name: 'Revert to this' }).click();
  await expect(push.main).toBeVisible();
  expect(new URL(page.url()).hash).toBe('#/push');
  await expect(page.getByTestId('plan-summary')).toContainText(ZONE);
  await expect(push.main.getByRole('button', { name: 'As planned (3)' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await push.main.getByRole('button', { name: 'Preview' }).click();
  await expect(push.previewCount('changed')).toHaveText('changed 3');
  await expect(push.preview.locator('pre')).toContainText('192.0.2.1');
  await page.screenshot({ path: test.info().outputPath('objects-revert-preview.png'), fullPage: true });
  await push.pushNow();
  await expect(push.stateCount('applied')).toHaveAttribute('aria-label', 'applied 3', { timeout: 60_000 });

  // The revert is version 3, intended and in sync everywhere.
  await objects.open();
  await objects.search.fill(ZONE);
  await expect(objects.object(KEY).getByRole('cell').nth(1)).toHaveText('v3 of 3', { timeout: 30_000 });
  await expect(objects.count(KEY, 'in-sync')).toHaveText('3', { timeout: 60_000 });

  // A remote that stops: what it last reported stays, marked stale, as the fleet table marks old stats.
  await env.sims[1]?.stop();
  await objects.openObject(KEY, ZONE);
  await expect(objects.remote('r-0005')).toHaveAttribute('data-stale', 'true', { timeout: 60_000 });
  await expect(objects.cell('r-0005', 6)).toHaveText(/^stale /);
  await expect(objects.remote('r-0002')).toHaveAttribute('data-stale', 'false');
  await page.screenshot({ path: test.info().outputPath('objects-stale.png') });
});
