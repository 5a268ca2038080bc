import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticFiles } from '../host/static-files';
import { rendererResponder, rendererUrl, shellCsp } from './app-protocol';

describe('app:// renderer protocol', () => {
  let dir: string;
  let respond: (r: Request) => Promise<Response>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smt-app-protocol-'));
    await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>SMT</title>');
    await writeFile(join(dir, 'renderer', 'assets', 'index.js'), 'export {};');
    await writeFile(join(dir, 'secret.key'), 'not for the page');
    respond = rendererResponder(await StaticFiles.open(join(dir, 'renderer')));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves the bundle with the CSP and nosniff', async () => {
    const page = await respond(new Request(rendererUrl));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>SMT</title>');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(shellCsp);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await respond(new Request('app://console/assets/index.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers nothing outside the bundle, for another host or another method', async () => {
    for (const request of [
      new Request('app://console/../secret.key'),
      new Request('app://console/%2e%2e/secret.key'),
      new Request('app://console/missing.js'),
      new Request('app://elsewhere/index.html'),
      new Request(rendererUrl, { method: 'POST', body: 'x' }),
    ]) {
      const r = await respond(request);
      expect(r.status, request.url).toBe(404);
      expect(r.headers.get('content-security-policy')).toBe(shellCsp);
    }
  });
});
