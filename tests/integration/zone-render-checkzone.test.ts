/**
 * Zones the model accepts, rendered, load in BIND: named-checkzone (the validator the agent runs before
 * applying) reports neither errors nor warnings, and its canonical dump holds the same records — TXT bytes
 * included, so the quoting of quotes, backslashes and UTF-8 survives the trip.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Zone } from '../../src-shared/config/zone';
import { renderZone } from '../../src-shared/config/zone-render';

const run = promisify(execFile);
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-zone-render-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const soa = {
  mname: 'ns1',
  rname: 'john.doe@example.com',
  serial: 4294967295,
  refresh: 7200,
  retry: 900,
  expire: 1209600,
  minimum: 300,
};

const zones: Record<string, unknown> = {
  'every record type': {
    name: 'Example.COM.',
    ttl: 3600,
    soa,
    records: [
      { owner: '@', type: 'NS', target: 'ns1' },
      { owner: '@', type: 'NS', target: 'ns2.example.com.' },
      { owner: '@', type: 'NS', target: 'ns.example.net.' },
      { owner: 'ns1', type: 'A', address: '192.0.2.1' },
      { owner: 'ns2', type: 'AAAA', address: '2001:DB8::53' },
      { owner: '@', type: 'A', address: '192.0.2.80', ttl: 0 },
      { owner: '@', type: 'MX', preference: 10, exchange: 'mail' },
      { owner: '@', type: 'MX', preference: 20, exchange: 'mx.example.net.' },
      { owner: 'mail', type: 'A', address: '192.0.2.25', ttl: 2147483647 },
      { owner: 'www', type: 'CNAME', target: '@' },
      { owner: 'ext', type: 'CNAME', target: 'cdn.example.net.' },
      { owner: '@', type: 'TXT', strings: ['v=spf1 mx -all'] },
      { owner: 'quotes', type: 'TXT', strings: ['say "hi"', 'back\\slash', '', 'semi;colon (x) $ORIGIN @'] },
      { owner: 'utf8', type: 'TXT', strings: ['café ☕', 'tab\tnewline\n'] },
      { owner: 'long', type: 'TXT', strings: ['x'.repeat(255), 'y'.repeat(255)] },
      { owner: '_sip._tcp', type: 'SRV', priority: 10, weight: 60, port: 5060, target: 'mail' },
      { owner: '_sip._udp.example.com.', type: 'SRV', priority: 0, weight: 0, port: 0, target: '.' },
      {
        owner: '_ldap._tcp.dc',
        type: 'SRV',
        priority: 0,
        weight: 100,
        port: 389,
        target: 'dc1.example.net.',
      },
      { owner: 'nomail', type: 'MX', preference: 0, exchange: '.' },
      { owner: '*.dyn', type: 'A', address: '192.0.2.99' },
      { owner: 'sub', type: 'NS', target: 'ns.sub' },
      { owner: 'ns.sub', type: 'A', address: '192.0.2.53' },
      { owner: 'sub', type: 'NS', target: 'ns.example.net.' },
      { owner: 'self', type: 'PTR', target: 'www' },
    ],
  },
  'a reverse zone': {
    name: '2.0.192.in-addr.arpa',
    ttl: 86400,
    soa: { ...soa, mname: 'ns1.example.com.', rname: 'hostmaster.example.com.', serial: 1 },
    records: [
      { owner: '@', type: 'NS', target: 'ns1.example.com.' },
      { owner: '1', type: 'PTR', target: 'ns1.example.com.' },
      { owner: '25', type: 'PTR', target: 'mail.example.com.', ttl: 300 },
      { owner: '80.2.0.192.in-addr.arpa.', type: 'PTR', target: 'example.com.' },
    ],
  },
  'an IPv6 reverse zone with a dotted SOA contact': {
    name: '8.b.d.0.1.0.0.2.ip6.arpa.',
    ttl: 60,
    soa: { ...soa, mname: 'ns.example.net.', rname: 'dns-admin.example.net.', serial: 0 },
    records: [
      { owner: '@', type: 'NS', target: 'ns.example.net.' },
      { owner: '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0', type: 'PTR', target: 'ns1.example.com.' },
    ],
  },
};

async function checkzone(name: string, text: string, extra: string[] = []) {
  const file = join(dir, `${name}.zone`);
  await writeFile(file, text);
  // -i local: the integrity checks stay inside the zone, so the test asks no resolver about example.net.
  return run('named-checkzone', ['-i', 'local', ...extra, name, file]);
}

describe('rendered zones load in BIND', () => {
  it.each(Object.entries(zones))('%s', async (_title, input) => {
    const zone = Zone.parse(input);
    const text = renderZone(zone);
    const { stdout, stderr } = await checkzone(zone.name, text);
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toEqual([
      `zone ${zone.name.replace(/\.$/, '')}/IN: loaded serial ${zone.soa.serial}`,
      'OK',
    ]);

    const dumped = await checkzone(zone.name, text, ['-D', '-o', '-']);
    const rrs = dumped.stdout.split('\n').filter((l) => /\sIN\s/.test(l));
    expect(rrs).toHaveLength(zone.records.length + 1);
  });

  it('keeps TXT bytes exactly', async () => {
    const zone = Zone.parse(zones['every record type']);
    const { stdout } = await checkzone(zone.name, renderZone(zone), ['-D', '-o', '-']);
    const txt = (owner: string) =>
      stdout
        .split('\n')
        .find((l) => l.toLowerCase().startsWith(`${owner}.example.com.`) && /\sTXT\s/.test(l))
        ?.replace(/^.*\sTXT\s+/, '');
    expect(txt('quotes')).toBe('"say \\"hi\\"" "back\\\\slash" "" "semi;colon (x) $ORIGIN @"');
    expect(txt('utf8')).toBe('"caf\\195\\169 \\226\\152\\149" "tab\\009newline\\010"');
  });

  it('fails the check for a zone the model refuses, so the check can fail', async () => {
    const rendered = renderZone(Zone.parse(zones['a reverse zone']));
    await expect(
      checkzone('2.0.192.in-addr.arpa', `${rendered}1 IN CNAME x.example.com.\n`),
    ).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('CNAME and other data'),
    });
  });
});
