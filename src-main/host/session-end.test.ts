import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BRIDGE_PATH } from '../../src-shared/ipc';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startHost, type RunningHost } from './server';
import { FakeBackend } from './testing/fake-backend';
import { upgradeStatus } from './testing/upgrade-status';

/** Status and Set-Cookie of a GET, as a browser context with (or without) the cookie would send it. */
function get(port: number, path: string, cookie?: string): Promise<{ status: number; cookie?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: cookie ? { Cookie: cookie } : {} },
      (res) => {
        res.resume();
        const set = res.headers['set-cookie']?.[0]?.split(';')[0];
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(set ? { cookie: set } : {}) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A page's bridge link, held open until closed. */
function openPage(host: RunningHost, cookie: string): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${BRIDGE_PATH}`, {
    headers: { Origin: host.origin, Cookie: cookie },
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const closePage = (ws: WebSocket) =>
  new Promise<void>((resolve) => {
    ws.once('close', () => resolve());
    ws.close();
  });

describe('browser host session end', () => {
  let dir: string;
  const hosts: RunningHost[] = [];
  const start = async (sessionGraceMs: number, urls: string[] = []) => {
    const host = await startHost({
      backend: new FakeBackend(),
      staticDir: join(dir, 'renderer'),
      log: () => undefined,
      sessionGraceMs,
      onNewUrl: (url) => urls.push(url),
    });
    hosts.push(host);
    return host;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smt-host-session-'));
    await mkdir(join(dir, 'renderer'));
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>SMT Console</title>');
  });

  afterAll(async () => {
    for (const h of hosts) await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the session through a reload: the page comes back on its cookie and the same URL', async () => {
    const host = await start(60_000);
    const url = new URL(host.url);
    const first = await get(host.port, `/${url.search}`);
    expect(first.status).toBe(200);
    const cookie = first.cookie as string;
    await closePage(await openPage(host, cookie));
    // A reload: the page again (the renderer dropped ?token= from the address bar, the cookie remains) and its link.
    expect((await get(host.port, '/', cookie)).status).toBe(200);
    const again = await openPage(host, cookie);
    expect(host.url).toBe(url.href);
    expect((await get(host.port, `/${url.search}`)).status).toBe(200);
    await closePage(again);
  });

  it('ends the session once no page has been open for the grace: the stolen URL, the cookie and the token open nothing', async () => {
    const urls: string[] = [];
    const host = await start(150, urls);
    const stolen = host.url;
    const { search } = new URL(stolen);
    const token = host.token;
    const cookie = (await get(host.port, `/${search}`)).cookie as string;
    const a = await openPage(host, cookie);
    const b = await openPage(host, cookie);
    await closePage(a);
    await closePage(b);
    await waitFor('the session to end', () => urls.length === 1, 5000);

    // A second browser context with the URL from the history, a log or over a shoulder.
    expect((await get(host.port, `/${search}`)).status).toBe(403);
    // The admin's own browser after the session ended, and a script holding the token.
    expect((await get(host.port, '/', cookie)).status).toBe(403);
    const bridge = `ws://127.0.0.1:${host.port}${BRIDGE_PATH}`;
    expect(await upgradeStatus(`${bridge}?token=${token}`, { Origin: host.origin })).toBe(401);
    expect(await upgradeStatus(bridge, { Origin: host.origin, Cookie: cookie })).toBe(401);

    // The next session: the new URL printed on the host's terminal.
    expect(urls[0]).toBe(host.url);
    expect(host.url).not.toBe(stolen);
    const next = await get(host.port, `/${new URL(host.url).search}`);
    expect(next.status).toBe(200);
    expect(await upgradeStatus(bridge, { Origin: host.origin, Cookie: next.cookie as string })).toBe(101);
  });

  it('does not end a session before its first page: the printed URL waits for the admin', async () => {
    const urls: string[] = [];
    const host = await start(1, urls);
    const { search } = new URL(host.url);
    // No page has connected yet, so no timer runs however long the admin takes.
    expect((await get(host.port, `/${search}`)).status).toBe(200);
    expect(urls).toEqual([]);
  });
});
