import { readFile, writeFile } from 'node:fs/promises';
import { consoleProfilePath, labConsolePassphrase } from '../lab/lab';
import { fleetZoneText } from '../tests/helpers/push-console';
import { expect, test } from './fixtures';
import { AuditPage } from './pages/audit-page';
import { BrokerPage } from './pages/broker-page';
import { NodeProcess } from './support/processes';

// r-0003 (a DNS server) runs alone in the second simulate process, so the broker test can kill it.
test.use({
  fleet: {
    groups: [
      { remotes: 2, first: 1 },
      { remotes: 1, first: 3 },
    ],
  },
});
// The second test leaves r-0003 dead and the third reads what its push left: in order.
test.describe.configure({ mode: 'serial' });

test('a command done in the console is in the audit trail, searchable and exported as CSV', async ({
  fleetPage,
  remotePage,
}) => {
  const page = fleetPage.page;
  await fleetPage.row('r-0002').getByRole('link', { name: 'r-0002' }).click();
  await remotePage.command('named', 'Reload');
  await expect(remotePage.actionResult).toHaveText(/^Reload named: done at /);

  await page.keyboard.press('g');
  await page.keyboard.press('a');
  const audit = new AuditPage(page);
  expect(new URL(page.url()).hash).toBe('#/audit');
  const entry = audit.entry('command', 'reload named');
  await expect(entry).toHaveCount(1);
  // A session is named by its profile's own name (the lab's is 'SMT Lab'), not its file's.
  await expect(entry).toContainText('SMT Lab');
  await expect(entry).toContainText('remotes 1, applied 1');

  await page.keyboard.press('/');
  await expect(audit.search).toBeFocused();
  await audit.search.fill('no such thing anywhere');
  await expect(audit.empty).toHaveText(/Nothing matches/);
  await audit.search.fill('RELOAD');
  await expect(audit.rows).toHaveCount(1);
  await audit.search.fill('');
  await audit.action.selectOption('command');
  await expect(audit.matching).toHaveText('1–1 of 1');
  await page.screenshot({ path: test.info().outputPath('audit.png') });

  const download = await audit.exportCsv();
  expect(download.suggestedFilename()).toMatch(/^smt-audit-SMT_Lab-\d{8}T\d{6}Z\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  const lines = csv.split('\r\n');
  expect(lines[0]).toBe('time,profile,actor,action,subject,detail');
  expect(lines).toHaveLength(3);
  expect(lines[1]).toMatch(
    /^\d{4}-\d\d-\d\dT[\d:.]+Z,SMT Lab,[^,]+,command,reload named,"\{""remotes"":1,""applied"":1,/,
  );
  await expect(page.getByRole('status', { name: 'Export' })).toHaveText(/^Saved smt-audit-/);
});

test('the broker path shows the active broker and the backlog of a remote whose process was killed', async ({
  fleetPage,
  env,
}) => {
  const page = fleetPage.page;
  const away = env.sims[1];
  if (!away) throw new Error('two simulate processes');
  await away.stop('SIGKILL');
  await expect(fleetPage.row('r-0003')).toHaveAttribute('data-status', 'offline', { timeout: 60_000 });

  // A push made with smt while r-0003 is away: the broker keeps it in r-0003's config queue.
  const zoneFile = test.info().outputPath('fleet.zone');
  await writeFile(zoneFile, `$ORIGIN fleet.test.\n${fleetZoneText(7)}`);
  const smt = new NodeProcess(
    'smt push',
    'src-main/cli/cli.ts',
    ['--profile', consoleProfilePath(env.lab.opts), 'push', 'zone', zoneFile, '--to', 'r-0003', '--json'],
    { env: { SMT_PASSPHRASE: await labConsolePassphrase(env.lab.opts) } },
  );
  expect(await smt.exited, smt.output()).toBe(0);
  const pushId = (JSON.parse(smt.output()) as { pushId: string }).pushId;

  await page.keyboard.press('g');
  await page.keyboard.press('b');
  const broker = new BrokerPage(page);
  await expect(broker.activeBroker).toContainText('on primary since');
  await expect(broker.broker('primary')).toContainText('in use since');
  await expect(broker.broker('secondary')).toContainText('not accepting connections');
  const row = broker.queue('r-0003');
  await expect(row.getByRole('cell').nth(1)).toHaveText('1 · 0 consumers');
  await expect(row).toContainText('waiting');
  await expect(row.getByRole('cell').nth(3)).toHaveText(/^\d+ s$/);
  await expect(broker.queue('r-0001').getByRole('cell').nth(1)).toHaveText('0 · 1 consumer');
  await expect(broker.summary).toHaveText('1 remote has messages waiting');
  await page.screenshot({ path: test.info().outputPath('broker.png') });

  // The push is audited too, with the profile it was made for.
  await page.goto(page.url().replace(/#.*$/, '#/audit'));
  await expect(new AuditPage(page).entry('push', pushId)).toContainText(
    'zone fleet.test, version 1, targets 1',
  );
});

test('the Remote screen lists the push waiting for the remote that is away', async ({
  fleetPage,
  remotePage,
}) => {
  const page = fleetPage.page;
  await fleetPage.row('r-0003').getByRole('link', { name: 'r-0003' }).click();
  const panel = page.getByRole('region', { name: 'Deliveries' });
  const row = panel.getByRole('table', { name: 'Deliveries' }).getByRole('row').nth(1);
  await expect(row).toHaveAttribute('data-state', 'sent');
  await expect(row).toContainText('fleet.test');
  await expect(row.getByRole('link')).toHaveAttribute('href', /^#\/push\/[0-9a-f-]{36}$/);
  await expect(panel.getByRole('status', { name: 'Backlog' })).toHaveText(
    /^0 queued, 1 sent not yet received, oldest \d+ (s|min)$/,
  );
  await expect(remotePage.heading('r-0003')).toBeVisible();

  // The theme switch pins dark over the system's light, and the choice survives a reload.
  await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'Dark' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(14, 17, 22)');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.screenshot({ path: test.info().outputPath('remote-deliveries-dark.png') });
  await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'System' }).click();
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);
});
