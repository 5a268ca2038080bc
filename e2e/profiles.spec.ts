import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issuedCert, pkcs12Of } from '../src-node/testing/issued-cert';
import { selfSignedCert } from '../src-node/testing/self-signed';
import { expect, test } from './fixtures';
import { ProfilesPage } from './pages/profiles-page';

// Two IPAMs: the host starts on the first lab's profile; the second lab is in its profiles directory.
test.use({
  fleet: {
    groups: [{ remotes: 3, first: 1 }],
    secondIpam: { name: 'IPAM B', groups: [{ remotes: 2, first: 101 }] },
  },
});

test('switching profiles shows the other IPAM’s fleet', async ({ fleetPage, env }) => {
  const profiles = new ProfilesPage(fleetPage.page);
  await expect(fleetPage.row('r-0001')).toHaveAttribute('data-status', 'online');
  await expect(profiles.switcher).toHaveAccessibleName('IPAM profile: SMT Lab');

  await profiles.switchTo('IPAM B');
  await expect(profiles.switcher).toHaveAccessibleName('IPAM profile: IPAM B');
  await expect(fleetPage.row('r-0101')).toHaveAttribute('data-status', 'online');
  await expect(fleetPage.row('r-0102')).toHaveAttribute('data-status', 'online');
  await expect(fleetPage.rows).toHaveCount(2);
  const port = env.lab2?.brokers.find((b) => b.name === 'primary')?.port;
  await expect(fleetPage.broker).toContainText(`127.0.0.1:${port}`);
  await fleetPage.page.screenshot({ path: test.info().outputPath('profile-switched.png') });

  // And back: the first IPAM's fleet again, nothing of the second left in the table.
  await profiles.switchTo('SMT Lab');
  await expect(profiles.switcher).toHaveAccessibleName('IPAM profile: SMT Lab');
  await expect(fleetPage.row('r-0001')).toHaveAttribute('data-status', 'online');
  await expect(fleetPage.rows).toHaveCount(3);
});

test('import with a wrong PKCS#12 passphrase says so and keeps nothing', async ({ fleetPage }) => {
  const page = fleetPage.page;
  const profiles = new ProfilesPage(page);
  await page.keyboard.press('g');
  await page.keyboard.press('i');
  await expect(profiles.main).toBeVisible();
  expect(new URL(page.url()).hash).toBe('#/profiles');
  await expect(profiles.row('SMT Lab')).toContainText('in use');
  await expect(profiles.row('IPAM B')).toContainText('lab-console');
  await expect(profiles.row('IPAM B').getByRole('button', { name: 'Switch to IPAM B' })).toBeEnabled();

  const dir = await mkdtemp(join(tmpdir(), 'smt-e2e-p12-'));
  try {
    const ca = await selfSignedCert(dir, 'ca');
    const bundle = await pkcs12Of(await issuedCert(dir, ca, 'console-c'), ca, 'the right one');
    await profiles.importPkcs12({ name: 'IPAM C', primary: '127.0.0.1:61614', bundle, passphrase: 'wrong' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await expect(profiles.importError).toHaveText(
    'The PKCS#12 passphrase is wrong: type the passphrase the bundle was exported with.',
  );
  await expect(profiles.passphrase).toHaveValue('');
  await expect(profiles.table.getByRole('row')).toHaveCount(3);
  await page.screenshot({ path: test.info().outputPath('profiles.png'), fullPage: true });
});
