import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProfileError, loadConsoleProfile } from './profile';

const dir = mkdtempSync(join(tmpdir(), 'smt-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = {
  name: 'Lab',
  consoleId: 'lab-console',
  brokers: [{ name: 'primary', host: '127.0.0.1', port: 61614 }],
  tls: { caFile: 'pki/ca.crt', certFile: '/abs/console.crt', keyFile: 'pki/console.key' },
};

function write(name: string, content: string) {
  const f = join(dir, name);
  writeFileSync(f, content);
  return f;
}

describe('loadConsoleProfile', () => {
  it('validates and resolves relative TLS paths against the profile directory', async () => {
    const p = await loadConsoleProfile(write('good.json', JSON.stringify(good)));
    expect(p.tls).toEqual({
      caFile: join(dir, 'pki/ca.crt'),
      certFile: '/abs/console.crt',
      keyFile: join(dir, 'pki/console.key'),
    });
  });

  it.each([
    ['missing', join(dir, 'none.json'), /does not exist/],
    ['not JSON', write('bad.json', '{ nope'), /is not JSON/],
    [
      'bad schema',
      write('schema.json', JSON.stringify({ ...good, consoleId: 'Lab Console' })),
      /invalid:[\s\S]*consoleId/,
    ],
    ['no brokers', write('nob.json', JSON.stringify({ ...good, brokers: [] })), /invalid:[\s\S]*brokers/],
  ])('reports %s with a specific error', async (_n, file, message) => {
    const e = await loadConsoleProfile(file).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProfileError);
    expect((e as Error).message).toMatch(message);
  });
});
