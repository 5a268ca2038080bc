import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { consoleProfilePath, killBroker, labConsolePassphrase } from '../lab/lab';
import { BRIDGE_PATH } from '../src-shared/ipc';
import { expect, test } from './fixtures';
import { FleetPage } from './pages/fleet-page';
import { NodeProcess } from './support/processes';
import { upgradeStatus } from '../src-main/host/testing/upgrade-status';

const ids = Array.from({ length: 20 }, (_, i) => `r-${String(i + 1).padStart(4, '0')}`);

// The tests share one fleet and the last one kills part of it: run them in order.
test.describe.configure({ mode: 'serial' });

test('shows the 20 remotes with live values', async ({ fleetPage }) => {
  await expect(fleetPage.rows).toHaveCount(20);
  for (const id of ids) {
    await expect(fleetPage.row(id)).toHaveAttribute('data-status', 'online');
    await expect(fleetPage.row(id)).toHaveAttribute('data-stale', 'false');
  }
  await expect(fleetPage.broker).toHaveAttribute('data-state', 'connected');
  await expect(fleetPage.broker).toContainText('primary');

  // Stats keep arriving: a remote's CPU value changes while the page stays open.
  const first = await fleetPage.cpu('r-0001');
  expect(first).toMatch(/^CPU \d+(\.\d)? %$/);
  await expect.poll(() => fleetPage.cpu('r-0001'), { timeout: 30_000 }).not.toBe(first);

  // And every remote stays freshly seen, not just once: each is heard from again at least twice (a new
  // last-seen time), and no read meanwhile misses a remote or shows one older than 5 s.
  const heard = new Map(ids.map((id) => [id, new Set<string>()]));
  const stale: string[] = [];
  await expect
    .poll(
      async () => {
        const ages = await fleetPage.lastSeenAges();
        if (Object.keys(ages).sort().join() !== ids.join()) stale.push(`rows ${Object.keys(ages).join()}`);
        for (const [id, age] of Object.entries(ages)) if (age > 5) stale.push(`${id} last seen ${age} s ago`);
        for (const [id, at] of Object.entries(await fleetPage.lastSeenAt())) heard.get(id)?.add(at);
        return Math.min(...[...heard.values()].map((times) => times.size));
      },
      { intervals: [250], timeout: 30_000 },
    )
    .toBeGreaterThanOrEqual(3);
  expect(stale).toEqual([]);
});

test('searches by id, hostname and IP', async ({ fleetPage }) => {
  await fleetPage.search.fill('r-0007');
  await expect(fleetPage.rows).toHaveCount(1);
  await expect(fleetPage.row('r-0007')).toBeVisible();
  const hostname = (await fleetPage.row('r-0007').getByRole('cell').nth(1).textContent()) ?? '';
  await fleetPage.search.fill(hostname.toUpperCase());
  await expect(fleetPage.row('r-0007')).toBeVisible();
  await fleetPage.search.fill('');
  await expect(fleetPage.rows).toHaveCount(20);
});

test('refuses a page without the token', async ({ browser, env }) => {
  // A fresh context: no session cookie from the other tests.
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const url of [`${env.origin}/`, `${env.origin}/?token=${'x'.repeat(43)}`]) {
    const response = await page.goto(url);
    expect(response?.status()).toBe(403);
    await expect(page.getByRole('heading', { name: 'Access refused' })).toBeVisible();
    await expect(page.locator('body')).toContainText('Open the URL printed by the console');
  }
  await context.close();
});

test('refuses WebSocket upgrades without the session or from another origin', async ({ env, fleetPage }) => {
  const bridge = `ws://127.0.0.1:${new URL(env.origin).port}${BRIDGE_PATH}`;
  expect(await upgradeStatus(bridge, { Origin: env.origin })).toBe(401);
  expect(await upgradeStatus(`${bridge}?token=${env.token}`, { Origin: 'http://evil.example' })).toBe(403);
  expect(await upgradeStatus(`${bridge}?token=${env.token}`, {})).toBe(403);
  expect(await upgradeStatus(`${bridge}?token=${env.token}`, { Origin: env.origin })).toBe(101);

  // In a browser: a page of another local port is the same *site*, so the browser sends the session
  // cookie with its WebSocket request; only the Origin check stands between it and the console.
  const foreign: Server = createServer((_req, res) => res.end('<!doctype html><title>elsewhere</title>'));
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  try {
    const page = fleetPage.page;
    await page.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
    const outcome = await page.evaluate(
      (urls) =>
        Promise.all(
          urls.map(
            (u) =>
              new Promise<string>((resolve) => {
                const ws = new WebSocket(u);
                ws.onopen = () => resolve('open');
                ws.onclose = () => resolve('refused');
              }),
          ),
        ),
      [bridge, `${bridge}?token=${env.token}`],
    );
    expect(outcome).toEqual(['refused', 'refused']);
  } finally {
    foreign.close();
  }
});

test('a URL copied from an ended session opens nothing in another browser; the next printed URL does', async ({
  browser,
  env,
}) => {
  // A host of its own with a 1 s grace, on a copy of the lab profile whose brokers are a closed port: it
  // starts offline and takes nothing from the fleet the other tests watch.
  const dir = join(env.lab.dir, 'session-end');
  await mkdir(dir, { recursive: true });
  const profile = JSON.parse(await readFile(consoleProfilePath(env.lab.opts), 'utf8')) as {
    brokers: { port: number }[];
  };
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  for (const b of profile.brokers) b.port = deadPort;
  await writeFile(join(dir, 'console-profile.json'), JSON.stringify(profile));
  const host = new NodeProcess(
    'host-session-end',
    'src-main/host/cli.ts',
    [
      '--profile',
      join(dir, 'console-profile.json'),
      '--profiles-dir',
      join(dir, 'profiles'),
      '--session-grace',
      '1',
    ],
    { env: { SMT_PASSPHRASE: await labConsolePassphrase(env.lab.opts) } },
  );
  const urls = () =>
    host
      .output()
      .match(/^Console: \S+$/gm)
      ?.map((l) => l.slice('Console: '.length)) ?? [];
  try {
    await host.waitForLine(/^Console: /, 60_000);
    const [stolen] = urls() as [string];
    const admin = await browser.newContext();
    const fleet = new FleetPage(await admin.newPage());
    await fleet.open(stolen);
    // The bridge answered: the session has started.
    await expect(fleet.broker).not.toHaveAttribute('data-state', 'unknown');
    await admin.close();
    await expect.poll(() => urls().length, { timeout: 30_000 }).toBe(2);

    const thief = await browser.newContext();
    const page = await thief.newPage();
    expect((await page.goto(stolen))?.status()).toBe(403);
    await expect(page.getByRole('heading', { name: 'Access refused' })).toBeVisible();
    await new FleetPage(page).open(urls()[1] as string);
    await thief.close();
  } finally {
    await host.stop();
  }
});

test('turns a remote offline when its process dies, and only that one', async ({ env, fleetPage }) => {
  await expect(fleetPage.rowsWithStatus('online')).toHaveCount(20);
  const [, lone] = env.sims;
  if (!lone) throw new Error('the fixture starts two simulate processes');
  // SIGKILL: no goodbye, the socket just dies; the console must notice the missing heartbeats.
  await lone.stop('SIGKILL');
  await expect(fleetPage.row('r-0020')).toHaveAttribute('data-status', 'offline', { timeout: 60_000 });
  await expect(fleetPage.rowsWithStatus('online')).toHaveCount(19);
  await expect(fleetPage.page.getByTestId('count-offline')).toContainText('1 offline');
  // The others keep reporting.
  const before = await fleetPage.cpu('r-0019');
  await expect.poll(() => fleetPage.cpu('r-0019'), { timeout: 30_000 }).not.toBe(before);
  await expect(fleetPage.rowsWithStatus('online')).toHaveCount(19);
});

test('follows the console to the secondary when the primary dies', async ({ env, fleetPage }) => {
  await expect(fleetPage.broker).toContainText('primary');
  await expect(fleetPage.page.getByTestId('last-failover')).toContainText('none');
  await killBroker('primary', env.lab.opts);
  await expect(fleetPage.broker).toHaveAttribute('data-state', 'connected', { timeout: 60_000 });
  await expect(fleetPage.broker).toContainText('secondary', { timeout: 60_000 });
  await expect(fleetPage.page.getByTestId('last-failover')).not.toContainText('none');
  // The fleet followed too: the living remotes are online through the secondary and keep reporting.
  await expect(fleetPage.rowsWithStatus('online')).toHaveCount(19, { timeout: 60_000 });
  const before = await fleetPage.cpu('r-0001');
  await expect.poll(() => fleetPage.cpu('r-0001'), { timeout: 30_000 }).not.toBe(before);
});

test('shows the link to the console as lost when the host goes away', async ({ env, fleetPage }) => {
  await expect(fleetPage.rows).not.toHaveCount(0);
  await env.host.stop('SIGTERM');
  const notice = fleetPage.page.getByRole('alert').filter({ hasText: 'Lost the link to the console' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText(/Reconnecting in \d+ s \(attempt \d+\)/);
  // What was last known stays on screen.
  await expect(fleetPage.row('r-0001')).toBeVisible();
});
