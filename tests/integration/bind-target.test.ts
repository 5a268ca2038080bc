/**
 * BindTarget against a real named on a loopback high port: a new zone is answered, a changed zone is
 * served with its new serial, a broken zone is refused with named-checkzone's own message while the old
 * data stays served, and deletes (known and unknown) behave. Answers are checked with dig itself.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotServedError } from '../../src-agent/targets/types';
import { BindTarget } from '../../src-agent/targets/bind';
import { startBind, type BindServer } from '../../lab/real-servers';

const run = promisify(execFile);
let bind: BindServer | undefined;
let target: BindTarget;

const zoneText = (serial: number, wwwIp: string) => `$TTL 300
@ IN SOA ns1.example.test. hostmaster.example.test. ${serial} 3600 600 86400 300
@ IN NS ns1.example.test.
ns1 IN A 192.0.2.1
www IN A ${wwwIp}
`;

async function dig(name: string, rrtype: string): Promise<string> {
  const { stdout } = await run('dig', [
    '@127.0.0.1',
    '-p',
    String(bind?.port),
    '+short',
    '+norecurse',
    name,
    rrtype,
  ]);
  return stdout.trim();
}

beforeAll(async () => {
  bind = await startBind();
  target = new BindTarget(bind.settings);
});

afterAll(async () => {
  await bind?.stop();
});

describe('BindTarget on a real named', () => {
  it('adds a new zone that dig answers', async () => {
    const started = Date.now();
    const outcome = await target.upsertZone('example.test.', zoneText(1, '192.0.2.10'));
    console.log(`new zone applied in ${Date.now() - started} ms`);
    expect(outcome).toMatchObject({ ok: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await dig('www.example.test', 'A')).toBe('192.0.2.10');
    expect(await target.lookup('www.example.test', 'A')).toEqual(['192.0.2.10']);
    expect(await target.servedZone('example.test')).toBe(zoneText(1, '192.0.2.10'));
  });

  it('serves a changed zone with its new serial and data', async () => {
    const started = Date.now();
    const outcome = await target.upsertZone('example.test', zoneText(2, '192.0.2.20'));
    console.log(`changed zone applied in ${Date.now() - started} ms`);
    expect(outcome.ok).toBe(true);
    expect((await dig('example.test', 'SOA')).split(' ')[2]).toBe('2');
    expect(await dig('www.example.test', 'A')).toBe('192.0.2.20');
    expect(await readFile(join(bind?.zoneDir ?? '', 'example.test.zone.last-good'), 'utf8')).toBe(
      zoneText(1, '192.0.2.10'),
    );
  });

  it('answers a resend of the installed zone without reloading', async () => {
    const outcome = await target.upsertZone('example.test', zoneText(2, '192.0.2.20'));
    expect(outcome).toMatchObject({ ok: true, detail: 'unchanged' });
  });

  it("refuses a broken zone with named-checkzone's message and keeps serving the old data", async () => {
    const broken = zoneText(3, '999.0.2.10');
    const outcome = await target.upsertZone('example.test', broken);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.reason).toMatch(/bad dotted quad/);
    expect(outcome.reason).toMatch(/zone example\.test\/IN: not loaded due to errors\./);
    expect(await dig('www.example.test', 'A')).toBe('192.0.2.20');
    expect(await target.servedZone('example.test')).toBe(zoneText(2, '192.0.2.20'));
  });

  it('refuses a changed zone whose serial does not move forward', async () => {
    const outcome = await target.upsertZone('example.test', zoneText(2, '192.0.2.30'));
    expect(outcome).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not later than the served serial 2/),
    });
    expect(await dig('www.example.test', 'A')).toBe('192.0.2.20');
  });

  it('refuses a zone name that is not one', async () => {
    expect(await target.upsertZone('bad name;rm -rf', zoneText(1, '192.0.2.1'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not a valid zone name/),
    });
  });

  it('reloads, flushes and reports query counters', async () => {
    await target.reload();
    await target.flushCache();
    const usage = await target.usage();
    expect(usage?.queries).toBeGreaterThan(0);
  });

  it('deletes the zone, then an unknown zone delete fails specifically', async () => {
    expect(await target.deleteZone('example.test')).toMatchObject({ ok: true });
    expect(await dig('www.example.test', 'A')).toBe('');
    // Not served is an answer the preview needs (new), not an error.
    await expect(target.servedZone('example.test')).rejects.toBeInstanceOf(NotServedError);
    await expect(target.servedZone('example.test')).rejects.toThrow(/not managed by this agent/);
    expect(await target.deleteZone('example.test')).toEqual({
      ok: false,
      reason: 'zone example.test is not served by this named',
    });
  });

  it('a broken new zone leaves nothing behind', async () => {
    const outcome = await target.upsertZone(
      'other.test',
      zoneText(1, '999.0.2.10').replace(/example/g, 'other'),
    );
    expect(outcome.ok).toBe(false);
    expect(await target.deleteZone('other.test')).toMatchObject({ ok: false });
  });
});
