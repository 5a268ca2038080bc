import { request } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from './server';
import { FakeBackend } from './testing/fake-backend';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP, so the test controls the Host header and sees exactly what the server sent. */
function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser host HTTP', () => {
  let dir: string;
  let host: RunningHost;
  let outside: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smt-host-'));
    const bundle = join(dir, 'renderer');
    await mkdir(join(bundle, 'assets'), { recursive: true });
    await writeFile(join(bundle, 'index.html'), '<!doctype html><title>SMT Console</title>');
    await writeFile(join(bundle, 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(join(bundle, 'assets', 'index-abc123.css'), 'body{}');
    await writeFile(join(bundle, 'assets', 'blob.bin'), 'x');
    outside = join(dir, 'secret.txt');
    await writeFile(outside, 'do not serve');
    await symlink(outside, join(bundle, 'assets', 'link.txt'));
    host = await startHost({ backend: new FakeBackend(), staticDir: bundle, log: () => undefined });
  });

  afterAll(async () => {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  const cookieOf = (r: Reply) => {
    const set = r.headers['set-cookie'];
    return Array.isArray(set) ? set[0] : set;
  };

  it('listens on the loopback interface and prints a tokened URL', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(Buffer.from(host.token, 'base64url')).toHaveLength(32);
  });

  it('refuses the page without the token, with a page that says what to open', async () => {
    const r = await get(host.port, '/');
    expect(r.status).toBe(403);
    expect(r.body).toContain('Open the URL printed by the console');
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a wrong token and a token of another length', async () => {
    expect((await get(host.port, `/?token=${'A'.repeat(43)}`)).status).toBe(403);
    expect((await get(host.port, '/?token=short')).status).toBe(403);
    expect((await get(host.port, '/', { Cookie: 'smt_session=nope' })).status).toBe(403);
  });

  it('serves the page for the token and sets a strict session cookie', async () => {
    const r = await get(host.port, `/?token=${host.token}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(cookieOf(r)).toBe(`smt_session=${host.token}; HttpOnly; SameSite=Strict; Path=/`);
  });

  it('serves the page and assets to the session cookie, with content types', async () => {
    const cookie = { Cookie: `other=1; smt_session=${host.token}` };
    expect((await get(host.port, '/', cookie)).status).toBe(200);
    const js = await get(host.port, '/assets/index-abc123.js', cookie);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    const css = await get(host.port, '/assets/index-abc123.css', cookie);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const bin = await get(host.port, '/assets/blob.bin', cookie);
    expect(bin.headers['content-type']).toBe('application/octet-stream');
    expect((await get(host.port, '/assets/index-abc123.js')).status).toBe(403);
  });

  it('never serves outside the bundle', async () => {
    const cookie = { Cookie: `smt_session=${host.token}` };
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/index.html%00.js',
      '/assets/link.txt',
      '/assets',
      '/%E0%A4%A',
    ]) {
      const r = await get(host.port, path, cookie);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('do not serve');
    }
  });

  it('puts the security headers on every response, errors included', async () => {
    for (const r of [
      await get(host.port, '/'),
      await get(host.port, `/?token=${host.token}`),
      await get(host.port, '/missing', { Cookie: `smt_session=${host.token}` }),
    ]) {
      expect(r.headers['content-security-policy']).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; " +
          `connect-src 'self' ws://127.0.0.1:${host.port}; img-src 'self' data:; object-src 'none'; ` +
          "base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
      );
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('answers only its own host name (DNS rebinding) and only GET/HEAD', async () => {
    const rebound = await get(host.port, `/?token=${host.token}`, { Host: `evil.example:${host.port}` });
    expect(rebound.status).toBe(421);
    const post = await get(host.port, `/?token=${host.token}`, {}, 'POST');
    expect(post.status).toBe(405);
    const head = await get(host.port, `/?token=${host.token}`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('refuses to start without a built bundle', async () => {
    await expect(
      startHost({ backend: new FakeBackend(), staticDir: dir, log: () => undefined }),
    ).rejects.toThrow(/npm run build:renderer/);
  });
});
