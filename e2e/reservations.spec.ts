import { keaCommand } from '../src-agent/targets/kea-control';
import type { RealRemote } from '../lab/real-remotes';
import { expect, test } from './fixtures';
import { ObjectsPage } from './pages/objects-page';
import { PushPage } from './pages/push-page';
import { ReservationsEditor } from './pages/reservations-editor';

/**
 * Host reservations through the UI on a real kea-dhcp4 (docs/reservations.md): no simulated fleet, the
 * lab's real remotes real-01 (named) and real-02 (kea-dhcp4, its own agent). The scope goes to real-02
 * through the Push screen as an admin composes it; a reservation added in Zones & Scopes → the scope →
 * Reservations is previewed on the Push screen (its line in the diff while Kea still serves the old
 * list), pushed, and then listed by Kea's own config-get, asked on its control socket by the test, not
 * through the agent. Colliding reservations get their message on the field, are never added, and nothing
 * is planned or sent: the pushes stay two and Kea's list stays as it was.
 */
test.use({ fleet: { groups: [], realRemotes: 2 } });

const SUBNET = '198.51.100.0/24';
const KEY = `scope:${SUBNET}`;
const DHCP = 'real-02';
const printer = { ipAddress: '198.51.100.10', hwAddress: '52:54:00:12:34:56', hostname: 'printer' };
const phone = { ipAddress: '198.51.100.11', hwAddress: '52:54:00:aa:bb:cc', hostname: 'phone' };

/** The reservations real-02's kea-dhcp4 runs for the scope, from its own `config-get`. */
async function keaReservations(remote: RealRemote): Promise<Record<string, unknown>[] | undefined> {
  const answer = await keaCommand(remote.kea?.socketPath ?? '', 'config-get', undefined, 5000);
  const subnets = (answer.arguments as { Dhcp4: { subnet4: Record<string, unknown>[] } }).Dhcp4.subnet4;
  return subnets.find((s) => s.subnet === SUBNET)?.reservations as Record<string, unknown>[] | undefined;
}

/** A reservation as Kea lists it (Kea adds fields of its own: only these are compared). */
const asKea = (r: { ipAddress: string; hwAddress: string; hostname: string }) =>
  expect.objectContaining({ 'ip-address': r.ipAddress, 'hw-address': r.hwAddress, hostname: r.hostname });

test('a reservation added in the editor is previewed on the Push screen, pushed, and served by the real Kea; colliding ones are refused on the field and nothing is sent', async ({
  env,
  fleetPage,
}) => {
  const page = fleetPage.page;
  const kea = env.real.find((r) => r.remoteId === DHCP);
  if (!kea?.kea) throw new Error(`${DHCP} runs no kea-dhcp4: ${env.real.map((r) => r.remoteId).join(', ')}`);
  await expect(fleetPage.row(DHCP)).toHaveAttribute('data-status', 'online', { timeout: 60_000 });

  // The scope, with one reservation, composed on the Push screen and pushed to real-02.
  const push = new PushPage(page);
  await fleetPage.select([DHCP]);
  await page.getByRole('region', { name: 'Selection' }).getByRole('button', { name: 'Push…' }).click();
  await push.main.getByRole('button', { name: 'DHCP scope' }).click();
  await push.field('Subnet').fill(SUBNET);
  await push.field('Subnet id').fill('31');
  await push.main.getByRole('textbox', { name: /^Pools/ }).fill('198.51.100.100 - 198.51.100.199');
  await push.main.getByRole('textbox', { name: /^Options/ }).fill('routers = 198.51.100.1');
  await push.main
    .getByRole('textbox', { name: /^Reservations/ })
    .fill(`${printer.hwAddress} ${printer.ipAddress} ${printer.hostname}`);
  await push.main.getByRole('button', { name: 'Preview' }).click();
  await expect(push.previewCount('new')).toHaveText('new 1');
  await push.pushNow();
  await expect(push.stateCount('applied')).toHaveAttribute('aria-label', 'applied 1', { timeout: 60_000 });
  await expect.poll(() => keaReservations(kea)).toEqual([asKea(printer)]);

  // Zones & Scopes → the scope (once real-02 reports serving it) → Reservations.
  const objects = new ObjectsPage(page);
  await objects.open();
  await objects.search.fill(SUBNET);
  await expect(objects.count(KEY, 'in-sync')).toHaveText('1', { timeout: 60_000 });
  await objects.openObject(KEY, SUBNET);
  const editor = new ReservationsEditor(page, SUBNET);
  await editor.open();
  await expect(editor.rows).toHaveCount(1);
  await expect(editor.row(printer.hwAddress)).toContainText(printer.ipAddress);
  await expect(editor.previewAndPush).toBeDisabled();

  await editor.addReservation(phone);
  await expect(editor.row(phone.hwAddress).getByRole('cell').nth(2)).toHaveText(phone.hostname);
  await expect(editor.row(phone.hwAddress).getByRole('cell').first()).toHaveText(phone.ipAddress);
  await editor.previewAndPush.click();

  // The Push screen holds the plan; its preview asks real-02, which still serves the old list.
  await expect(push.main).toBeVisible();
  await expect(page.getByTestId('plan-summary')).toContainText(
    `reservations of scope ${SUBNET}: 1 added, 0 changed, 0 removed (2 in all) as version 2 on 1 remote`,
  );
  await expect(push.main.getByRole('button', { name: 'As planned (1)' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await push.main.getByRole('button', { name: 'Preview' }).click();
  await expect(push.previewCount('changed')).toHaveText('changed 1');
  const diff = push.preview.locator('pre');
  await expect(diff.locator('.add')).toHaveText([
    `+reservation ${phone.ipAddress} ${phone.hwAddress} ${phone.hostname}`,
  ]);
  await expect(diff.locator('.del')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('reservation-preview.png'), fullPage: true });
  // Previewed, not sent: Kea serves the one reservation it had.
  expect(await keaReservations(kea)).toEqual([asKea(printer)]);

  await push.pushNow();
  await expect(push.stateCount('applied')).toHaveAttribute('aria-label', 'applied 1', { timeout: 60_000 });
  await expect.poll(() => keaReservations(kea)).toEqual([asKea(printer), asKea(phone)]);

  // Colliding reservations: each gets its message on the field it names, is never added, and the
  // unchanged list plans nothing.
  await objects.open();
  await objects.openObject(KEY, SUBNET);
  await expect(objects.detail.getByTestId('intended')).toContainText('Intended: version 2 (upsert)');
  await editor.open();
  await expect(editor.rows).toHaveCount(2);
  const collisions = [
    {
      r: { ipAddress: '198.51.100.12', hwAddress: phone.hwAddress },
      field: 'MAC',
      message: `reservation 198.51.100.12 for ${phone.hwAddress}: ${phone.hwAddress} already has the reservation ${phone.ipAddress}`,
    },
    {
      r: { ipAddress: printer.ipAddress, hwAddress: '52:54:00:00:00:09' },
      field: 'Address',
      message: `reservation ${printer.ipAddress} for 52:54:00:00:00:09: ${printer.ipAddress} is already reserved for ${printer.hwAddress}`,
    },
    {
      r: { ipAddress: '198.51.100.150', hwAddress: '52:54:00:00:00:09' },
      field: 'Address',
      message:
        'reservation 198.51.100.150 for 52:54:00:00:00:09: 198.51.100.150 is inside the pool 198.51.100.100-198.51.100.199; a client may hold it as a lease already (allow in-pool reservations to push it anyway)',
    },
    {
      r: { ipAddress: '203.0.113.5', hwAddress: '52:54:00:00:00:09' },
      field: 'Address',
      message: `reservation 203.0.113.5 for 52:54:00:00:00:09: 203.0.113.5 is outside the subnet ${SUBNET}`,
    },
  ] as const;
  for (const c of collisions) {
    await editor.type(c.r);
    await expect(editor.field(c.field)).toHaveAttribute('aria-invalid', 'true');
    await expect(editor.field(c.field)).toHaveAccessibleDescription(c.message);
    await expect(editor.add).toBeDisabled();
    // Enter in the field does not add it either.
    await editor.field(c.field).press('Enter');
    await expect(editor.rows).toHaveCount(2);
    await expect(editor.previewAndPush).toBeDisabled();
  }
  await page.screenshot({ path: test.info().outputPath('reservation-collision.png') });

  // Nothing was planned or sent: two pushes in all (the scope and the reservation), Kea unchanged.
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  await page.keyboard.press('g');
  await page.keyboard.press('p');
  const recent = push.main.getByRole('table', { name: 'Recent pushes' });
  await expect(recent.getByRole('link', { name: `scope ${SUBNET} v2` })).toBeVisible();
  await expect(recent.locator('tbody tr')).toHaveCount(2);
  expect(await keaReservations(kea)).toEqual([asKea(printer), asKea(phone)]);
});
