import { consoleProfilePath, provisionConsole } from '../lab/lab';
import { loadConsoleProfile } from '../src-main/core/profile';
import { hostPort } from '../src-shared/broker/address';
import { pkcs12Of } from '../src-node/testing/issued-cert';
import { expect, test } from './fixtures';
import { FleetPage } from './pages/fleet-page';
import { StartPage } from './pages/start-page';

// The first run of an installed console: an empty profiles directory, no --profile, no passphrase given.
test.use({ fleet: { groups: [{ remotes: 3, first: 1 }], firstRun: true } });

test('first run: import a bundle, seal it with a passphrase, see the fleet; after a restart, unlock', async ({
  page,
  env,
}) => {
  // What the IPAM's administrator hands over: a PKCS#12 export of a provisioned console identity.
  // (pkcs12Of writes it beside the certificate, inside the lab's temp dir.)
  const files = await provisionConsole('console-onboard', env.lab.opts);
  const bundle = await pkcs12Of(files, { certFile: files.caFile, keyFile: '' }, 'bundle passphrase');
  const brokers = (await loadConsoleProfile(consoleProfilePath(env.lab.opts))).brokers;
  const address = (name: string) => {
    const b = brokers.find((x) => x.name === name);
    return b ? hostPort(b) : '';
  };
  const sealWith = 'first run of the onboard console';
  const start = new StartPage(page);
  const fleet = new FleetPage(page);

  await page.goto(env.url);
  await expect(start.welcome).toBeVisible();
  await expect(start.welcome.getByRole('heading', { name: 'Welcome to SMT Console' })).toBeVisible();

  const form = {
    name: 'IPAM One',
    primary: address('primary'),
    secondary: address('secondary'),
    bundle,
    bundlePassphrase: 'bundle passphrase',
    newPassphrase: sealWith,
  };
  // Two different new passphrases: said in the page, nothing sent.
  await start.importPkcs12({ ...form, newPassphraseAgain: `${sealWith}!` });
  await expect(start.importError).toHaveText(
    'The two new passphrases differ: type the same passphrase twice.',
  );

  await start.importPkcs12(form);
  await expect(fleet.table).toBeVisible();
  for (const id of ['r-0001', 'r-0002', 'r-0003']) {
    await expect(fleet.row(id)).toHaveAttribute('data-status', 'online');
  }
  await expect(page.getByRole('button', { name: 'IPAM profile: IPAM One' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('onboarded.png') });

  // A restart: the profile is sealed with a passphrase, so the console asks for it in the page.
  await env.restartHost();
  await page.goto(env.url);
  await expect(start.unlock).toBeVisible();
  await expect(start.unlock).toContainText('IPAM One');
  await start.unlockWith('not the passphrase');
  await expect(start.unlockError).toHaveText('Wrong passphrase for "IPAM One": type it again.');
  await expect(start.passphrase).toHaveValue('');
  await page.screenshot({ path: test.info().outputPath('unlock-wrong.png') });

  // Three more wrong ones in a row: the console makes the next try wait, and says so.
  for (const guess of ['guess 2', 'guess 3', 'guess 4']) {
    await start.unlockWith(guess);
    await expect(start.unlockError).toContainText(`Wrong passphrase for "IPAM One"`);
  }
  // (The 1 s wait itself is too short to assert on without racing it; gate.test.tsx checks the countdown.)
  await expect(start.unlockError).toContainText('Too many wrong passphrases in a row: wait 1 s');

  // The Unlock button comes back once the wait is over (clicking waits for it).
  await start.unlockWith(sealWith);
  await expect(fleet.table).toBeVisible();
  for (const id of ['r-0001', 'r-0002', 'r-0003']) {
    await expect(fleet.row(id)).toHaveAttribute('data-status', 'online');
  }
});
