import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleProfilePath, killBroker, labConsolePassphrase } from '../lab/lab';
import { expect, test } from './fixtures';
import { DraftsPage } from './pages/drafts-page';
import { NodeProcess } from './support/processes';

// A fleet of its own: the last test stops both brokers. r-0002 (ddi) and r-0003 (dns) run named.
test.use({ fleet: { groups: [{ remotes: 3, first: 1 }] } });

const zoneText = (serial: number, www: string) =>
  `$TTL 300\n@ IN SOA ns1 hostmaster ${serial} 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 192.0.2.53\nwww IN A ${www}\n`;

/** `smt push zone` as an admin runs it beside the open console (same profile, same database). */
async function pushZone(
  lab: Parameters<typeof consoleProfilePath>[0],
  version: number,
  www: string,
  to: string,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'smt-e2e-zone-'));
  try {
    const file = join(dir, 'e2e.test.zone');
    await writeFile(file, zoneText(version, www));
    const cli = new NodeProcess(
      `smt push v${version}`,
      'src-main/cli/cli.ts',
      [
        '--profile',
        consoleProfilePath(lab),
        'push',
        'zone',
        file,
        '--zone',
        'e2e.test',
        '--to',
        to,
        '--wait',
        '--timeout',
        '60',
      ],
      { env: { SMT_PASSPHRASE: await labConsolePassphrase(lab) } },
    );
    const code = await cli.exited;
    expect(code, cli.output()).toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a draft warns when a remote moved past its base, and shows the difference', async ({
  env,
  fleetPage,
  remotePage,
}) => {
  const page = fleetPage.page;
  await expect(fleetPage.row('r-0003')).toHaveAttribute('data-status', 'online');
  await pushZone(env.lab.opts, 1, '192.0.2.1', 'r-0002,r-0003');

  const drafts = new DraftsPage(page);
  await drafts.open();
  await drafts.newZone('renumber www', 'e2e.test', 'r-0002,r-0003');
  await page.getByRole('group', { name: 'Edit as' }).getByRole('button', { name: 'Zone text' }).click();
  await drafts.field('Zone text').fill(zoneText(3, '192.0.2.99'));
  await expect(drafts.validity).toHaveText('valid');
  await drafts.save();
  await expect(drafts.status).toHaveText(/^Saved at /);
  await expect(drafts.base).toContainText('based on version 1');

  // Someone else pushes v2 to one of the draft's targets.
  await pushZone(env.lab.opts, 2, '192.0.2.2', 'r-0002');
  await page.getByRole('button', { name: 'Check for conflicts' }).click();
  await expect(drafts.checked('r-0002')).toHaveAttribute('data-status', 'conflict');
  await expect(drafts.checked('r-0003')).toHaveAttribute('data-status', 'current');
  const since = drafts.checked('r-0002').getByRole('figure', { name: /What changed on r-0002 since/ });
  await expect(since.locator('[data-op="-"]')).toContainText([
    '@ IN SOA ns1 hostmaster 1',
    'www IN A 192.0.2.1',
  ]);
  await expect(since.locator('[data-op="+"]')).toContainText([
    '@ IN SOA ns1 hostmaster 2',
    'www IN A 192.0.2.2',
  ]);
  const overwrite = drafts
    .checked('r-0002')
    .getByRole('figure', { name: /What pushing the draft would change/ });
  await expect(overwrite.locator('[data-op="+"]')).toContainText([
    '@ IN SOA ns1 hostmaster 3',
    'www IN A 192.0.2.99',
  ]);
  await page.screenshot({ path: test.info().outputPath('drafts-conflict.png'), fullPage: true });

  // What r-0002 serves now, on its Remote screen.
  await page.goto(`${env.url}#/remote/r-0002`);
  const served = page.getByRole('region', { name: 'Served configuration' });
  await served.getByRole('combobox', { name: 'Zone name' }).fill('e2e.test');
  await served.getByRole('button', { name: 'Show zone' }).click();
  await expect(served.getByRole('status')).toContainText('r-0002 serves e2e.test at version 2');
  await expect(served.getByRole('table', { name: 'Zone records' })).toContainText('www.e2e.test.');
  await served.getByRole('button', { name: 'Zone file' }).click();
  await expect(served.getByLabel('Zone text')).toContainText('www IN A 192.0.2.2');
  await expect(remotePage.heading('r-0002')).toBeVisible();
  await served.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('remote-served.png'), fullPage: true });

  // DNS → Find a name: r-0002 serves version 2, r-0003 still version 1, so their named answers differ
  // (one each: no majority, both marked).
  await page.goto(`${env.url}#/dns`);
  const dns = page.getByRole('main', { name: 'DNS' });
  await dns.getByRole('textbox', { name: 'Name' }).fill('www..e2e.test');
  await dns.getByRole('button', { name: 'Find' }).click();
  await expect(dns.getByRole('alert')).toContainText('empty label');
  await dns.getByRole('textbox', { name: 'Name' }).fill('www.e2e.test');
  await dns.getByRole('button', { name: 'Find' }).click();
  const answers = dns.getByRole('table', { name: 'Answers by remote' });
  await expect(answers.locator('tr[data-remote-id="r-0002"]')).toContainText('192.0.2.2');
  await expect(answers.locator('tr[data-remote-id="r-0003"]')).toContainText('192.0.2.1');
  await expect(answers.locator('tr[data-differs="true"]')).toHaveCount(2);
  await expect(dns.getByRole('status')).toContainText('The remotes disagree on www.e2e.test. A');
  await page.screenshot({ path: test.info().outputPath('dns-find-name.png'), fullPage: true });
});

test('drafts are written and kept with both brokers down', async ({ env, fleetPage }) => {
  const page = fleetPage.page;
  await expect(fleetPage.broker).toHaveAttribute('data-state', 'connected');
  for (const name of ['secondary', 'primary'] as const) await killBroker(name, env.lab.opts);
  await expect(fleetPage.broker).not.toHaveAttribute('data-state', 'connected');

  const drafts = new DraftsPage(page);
  await drafts.open();
  await drafts.newZone('offline zone', 'offline.test', 'all');
  await drafts.field('Value of record 2').fill('192.0.2.300');
  await expect(
    drafts.editor.getByText('an A record needs an IPv4 address such as 192.0.2.1').first(),
  ).toBeVisible();
  await expect(drafts.validity).toHaveText('1 problem');
  await drafts.save();
  await expect(drafts.status).toHaveText(/with 1 problem: it cannot be pushed until they are fixed/);
  await expect(drafts.row('offline zone')).toContainText('1 problem');

  await drafts.field('Value of record 2').fill('192.0.2.30');
  await expect(drafts.validity).toHaveText('valid');
  await drafts.save();
  await expect(drafts.status).toHaveText(/^Saved at \S+\.$/);
  await page.getByRole('button', { name: 'Check for conflicts' }).click();
  await expect(drafts.status).toContainText('No broker is connected');

  await page.reload();
  await expect(drafts.row('offline zone')).toContainText('valid');
  await expect(drafts.field('Value of record 2')).toHaveValue('192.0.2.30');
  await expect(drafts.base).toContainText('based on no pushed version');
  await page.screenshot({ path: test.info().outputPath('drafts-offline.png'), fullPage: true });
});
