import { PushPage } from './pages/push-page';
import { expect, test } from './fixtures';

/**
 * 45 healthy remotes in one simulate process (the simulation makes every third one DHCP-only, so 30 of
 * them serve DNS: 15 `role:dns` and 15 `role:ddi`), and r-0048, a DNS remote, alone in a second process
 * whose every apply fails validation. That fault is fixed for the life of its process, so "retry" is
 * checked honestly as a new attempt that fails again with the validator's message, not as a fix.
 */
test.use({
  fleet: {
    groups: [
      { remotes: 45, first: 1 },
      { remotes: 1, first: 48, args: ['--faults', 'r-0048:fail-validation'] },
    ],
  },
});

test('pushes a zone composed in the records table to 30 remotes and watches all of them apply', async ({
  fleetPage,
}) => {
  const page = fleetPage.page;
  await expect(page.getByRole('button', { name: 'Online 46' })).toBeVisible({ timeout: 60_000 });

  // The DNS servers by tag, all shown at once, then the failing one dropped with the keyboard.
  const tag = page.getByRole('combobox', { name: 'Filter by tag' });
  await tag.selectOption('role:dns');
  await fleetPage.table.getByRole('checkbox', { name: 'Select all 16 shown' }).click();
  await fleetPage.search.fill('r-0048');
  const failing = fleetPage.row('r-0048').getByRole('checkbox', { name: 'Select r-0048' });
  await failing.focus();
  await failing.press('Space');
  await expect(failing).not.toBeChecked();
  await fleetPage.search.fill('');
  await tag.selectOption('role:ddi');
  await fleetPage.table.getByRole('checkbox', { name: 'Select all 15 shown' }).click();
  await tag.selectOption('');
  const bar = page.getByRole('region', { name: 'Selection' });
  await expect(bar).toContainText('30 selected');
  await page.screenshot({ path: test.info().outputPath('fleet-selection.png') });
  await bar.getByRole('button', { name: 'Push…' }).click();

  const push = new PushPage(page);
  await expect(push.main).toBeVisible();
  expect(new URL(page.url()).hash).toBe('#/push');
  await expect(push.main.getByRole('button', { name: 'Fleet selection (30)' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );

  await push.field('Zone').fill('e2e-push.example');
  await push.record(1, '@', 'NS', 'ns1');
  await push.record(2, 'ns1', 'A', '192.0.2.53');
  await push.record(3, 'www', 'A', '192.0.2.80');
  // A CNAME beside other data is refused under the record, in the zone model's words.
  await push.record(4, 'www', 'CNAME', 'ns1');
  await expect(push.recordRow(3).getByRole('alert')).toHaveText(
    /www\.e2e-push\.example\. has a CNAME \(record 4\) and also A data; a CNAME must be the only record at its name/,
  );
  await expect(push.main.getByRole('button', { name: 'Preview' })).toBeDisabled();
  await push.removeRecord(4);
  await expect(push.records.getByRole('alert')).toHaveCount(0);

  await push.main.getByRole('button', { name: 'Preview' }).click();
  await expect(push.previewCount('new')).toHaveText('new 30');
  await expect(push.preview.getByRole('list', { name: 'Preview counts' }).getByRole('listitem')).toHaveCount(
    1,
  );
  await page.screenshot({ path: test.info().outputPath('push-compose.png'), fullPage: true });

  await push.pushNow();
  expect(new URL(page.url()).hash).toMatch(/^#\/push\/[0-9a-f-]{36}$/);
  await expect(push.stateCount('applied')).toHaveAttribute('aria-label', 'applied 30', { timeout: 60_000 });
  await expect(push.main.getByRole('progressbar', { name: 'Push progress' })).toHaveAttribute(
    'aria-valuenow',
    '30',
  );
  await expect(push.main.locator('[data-state="done"]')).toBeVisible();
  await expect(push.delivery('r-0002')).toHaveAttribute('data-state', 'applied');
  await page.screenshot({ path: test.info().outputPath('push-progress.png') });

  // The push is in the recent list with its counts.
  await push.main.getByRole('link', { name: '← Pushes' }).click();
  const recent = push.main.getByRole('table', { name: 'Recent pushes' });
  await expect(recent.getByRole('link', { name: 'zone e2e-push.example v1' })).toBeVisible();
});

test('shows the validator’s message for a failing remote, and Retry makes a new attempt', async ({
  fleetPage,
}) => {
  const page = fleetPage.page;
  await expect(page.getByRole('button', { name: 'Online 46' })).toBeVisible({ timeout: 60_000 });
  await fleetPage.select(['r-0045', 'r-0048']);
  await page.getByRole('region', { name: 'Selection' }).getByRole('button', { name: 'Push…' }).click();

  const push = new PushPage(page);
  await push.main.getByRole('button', { name: 'Zone text' }).click();
  await push.field('Zone').fill('e2e-fail.example');
  await push.main
    .getByRole('textbox', { name: /^Zone file/ })
    .fill(
      '$ORIGIN e2e-fail.example.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n',
    );
  await push.pushNow();

  const message = 'zone e2e-fail.example/IN: not loaded due to errors (simulated validation failure)';
  await expect(push.delivery('r-0048')).toHaveAttribute('data-state', 'failed', { timeout: 60_000 });
  await expect(push.delivery('r-0048')).toContainText(message);
  await expect(push.delivery('r-0045')).toHaveAttribute('data-state', 'applied');
  await page.screenshot({ path: test.info().outputPath('push-failed.png') });

  await push.progress.getByRole('button', { name: 'Retry failed (1)' }).click();
  await expect(push.outcome).toHaveText('Retried 1: each is a new attempt with a new message id.');
  // The fault is the process's for good: the second attempt fails the same way, with the same words.
  await expect(push.delivery('r-0048').getByRole('cell').nth(3)).toHaveText('2', { timeout: 60_000 });
  await expect(push.delivery('r-0048')).toHaveAttribute('data-state', 'failed', { timeout: 60_000 });
  await expect(push.delivery('r-0048')).toContainText(message);
  await expect(push.stateCount('applied')).toHaveAttribute('aria-label', 'applied 1');
});
