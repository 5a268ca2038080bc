import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseUsers } from './allowlist';
import { withLock } from './lock';
import { repoRoot } from './paths';

/** Provisioning and its lock, with real openssl and real processes but no brokers. */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-lab-unit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runCli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'lab', 'cli.ts'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, SMT_LAB_DIR: dir },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

const ids = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `r-${String(from + i).padStart(4, '0')}`);

// Each case runs the lab CLI as processes (tsx start-up, openssl): 1-5 s idle, past vitest's 5 s default
// on a loaded machine, so a deadline of a minute.
describe('provision', { timeout: 60_000 }, () => {
  it('loses no write when two processes provision at the same time', async () => {
    const [a, b] = [ids(1, 20), ids(101, 20)];
    const results = await Promise.all([runCli(['provision', ...a]), runCli(['provision', ...b])]);
    for (const r of results) expect(r.code, r.out).toBe(0);

    const allow = parseUsers(await readFile(join(dir, 'conf', 'users.properties'), 'utf8'));
    expect([...allow.remotes].sort()).toEqual([...a, ...b]);
    expect([...allow.consoles]).toEqual(['lab-console']);
    const groups = await readFile(join(dir, 'conf', 'groups.properties'), 'utf8');
    expect(groups).toContain(`remotes=${[...a, ...b].join(',')}\n`);

    for (const rid of [...a, ...b]) {
      expect((await stat(join(dir, 'pki', 'remotes', `${rid}.key`))).mode & 0o777).toBe(0o600);
    }
    expect((await stat(join(dir, 'pki', 'ca.key'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, 'lab.lock')).catch(() => 'released')).toBe('released');
  });

  it('issues certificates whose subject Java will print as the allowlist DN', async () => {
    expect((await runCli(['provision', 'r-0001'])).code).toBe(0);
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn('openssl', [
        'x509',
        '-in',
        join(dir, 'pki', 'remotes', 'r-0001.crt'),
        '-noout',
        '-subject',
        '-ext',
        'extendedKeyUsage',
      ]);
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.on('close', (c) => resolve({ code: c, out: text }));
    });
    expect(code).toBe(0);
    // openssl prints most significant first; Java reverses it to "CN=r-0001, OU=remotes, O=SMT Lab".
    expect(out).toContain('subject=O = SMT Lab, OU = remotes, CN = r-0001');
    expect(out).toContain('TLS Web Client Authentication');
  });

  it('issues a short-lived certificate with --days, anew even where one exists, and keeps it otherwise', async () => {
    const crt = join(dir, 'pki', 'remotes', 'r-0001.crt');
    const cert = async () => new X509Certificate(await readFile(crt));
    expect((await runCli(['provision', 'r-0001'])).code).toBe(0);
    const long = await cert();
    const r = await runCli(['provision', 'r-0001', '--days', '5']);
    expect(r.code, r.out).toBe(0);
    const short = await cert();
    expect(short.fingerprint256).not.toBe(long.fingerprint256);
    // openssl counts the days from now: 5 days after the certificate's own start.
    expect(Date.parse(short.validTo) - Date.parse(short.validFrom)).toBe(5 * 86_400_000);
    expect(Date.parse(long.validTo) - Date.parse(long.validFrom)).toBe(825 * 86_400_000);
    expect((await runCli(['provision', 'r-0001'])).code).toBe(0);
    expect((await cert()).fingerprint256).toBe(short.fingerprint256);
  });

  it('refuses a bad remote id before touching anything', async () => {
    const r = await runCli(['provision', 'r-0001', 'Bad Id']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('"Bad Id": a remote id is');
    await expect(stat(join(dir, 'conf'))).rejects.toThrow();
  });
});

describe('withLock', () => {
  it('serialises read-modify-write sections', async () => {
    const file = join(dir, 'counter');
    await writeFile(file, '0');
    const bump = () =>
      withLock(join(dir, 'x.lock'), async () => {
        const n = Number(await readFile(file, 'utf8'));
        await new Promise((r) => setImmediate(r));
        await writeFile(file, String(n + 1));
      });
    await Promise.all(Array.from({ length: 10 }, bump));
    expect(await readFile(file, 'utf8')).toBe('10');
  });

  it('takes over a lock left by a process that died', async () => {
    const dead = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '0']);
      child.on('close', () => resolve(child.pid as number));
    });
    await writeFile(join(dir, 'x.lock'), `${dead}\n`);
    expect(await withLock(join(dir, 'x.lock'), async () => 'ran', 2000)).toBe('ran');
  });

  it('times out with the holder named when the lock stays held', async () => {
    await writeFile(join(dir, 'x.lock'), `${process.pid}\n`);
    await expect(withLock(join(dir, 'x.lock'), async () => 'ran', 300)).rejects.toThrow(
      `held by pid ${process.pid}`,
    );
  });
});
