/**
 * Find a name across a fleet of real named servers (docs/dns.md): a zone pushed to the lab's three DNS
 * remotes, then changed by hand on one (the zone file edited, rndc reload), as an administrator does.
 * findName — the desktop console's call and `smt find` — asks each remote's named and shows the three
 * answers, the hand-edited one marked as differing; the served zone reads back as records. What named
 * serves is checked with dig, outside the agents.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askServed } from '../../src-main/core/service/ask-remote';
import { dnsHandlers } from '../../src-main/core/service/dns-handlers';
import { waitFor } from '../../src-node/smt/testing/wait';
import { parseZoneRecords } from '../../src-shared/config/zone-records';
import type { FindNameView } from '../../src-shared/ipc/dns-views';
import { startRealSessionBed, type RealSessionBed } from '../helpers/real-session-bed';

const exec = promisify(execFile);

const ZONE = 'find.test';
const zoneText = (serial: number, address: string) =>
  `$TTL 300\n@ IN SOA ns1.${ZONE}. admin.${ZONE}. ${serial} 3600 600 86400 300\n` +
  `@ IN NS ns1.${ZONE}.\nns1 IN A 192.0.2.53\nwww IN A ${address}\nmail 60 IN A 192.0.2.25\n`;
const DNS = ['real-01', 'real-03', 'real-04'];

let bed: RealSessionBed | undefined;

const s = () => (bed as RealSessionBed).session;
const remote = (id: string) => (bed as RealSessionBed).remote(id);
const smt = (...args: string[]) => (bed as RealSessionBed).smt(...args);
const findName = dnsHandlers(s, { queryTimeoutMs: 8_000 }).findName;

async function dig(id: string, name: string): Promise<string[]> {
  const p = String(remote(id).bind?.port);
  const { stdout } = await exec('dig', ['@127.0.0.1', '-p', p, '+short', '+time=2', '+tries=1', name, 'A']);
  return stdout.split('\n').filter(Boolean);
}

beforeAll(async () => {
  bed = await startRealSessionBed('smt-real-find-', 4);
}, 240_000);

afterAll(async () => {
  const { alive } = (await bed?.stop()) ?? { alive: [] };
  expect(alive).toEqual([]);
}, 60_000);

describe('find a name on real named servers', () => {
  it('shows what each remote answers, the hand-edited one differing; the served zone reads as records', async () => {
    const { push } = s().push.engine.push({
      object: { kind: 'zone', name: ZONE },
      payload: { format: 'zone-text', text: zoneText(10, '192.0.2.10') },
      selector: { kind: 'ids', ids: DNS },
      author: 'find test',
    });
    await waitFor(
      'the zone applied on the three DNS remotes',
      () => s().push.engine.progress(push.id).summary.counts.applied === DNS.length,
      60_000,
      100,
    );

    // An administrator on real-04 changes www by hand and reloads the zone.
    const bind = remote('real-04').bind;
    await writeFile(join(bind?.zoneDir ?? '', `${ZONE}.zone`), zoneText(50, '192.0.2.99'));
    await exec('rndc', ['-c', bind?.rndcConf ?? '', 'reload', ZONE]);
    expect(await dig('real-04', `www.${ZONE}`)).toEqual(['192.0.2.99']);
    // The inventories say who serves the zone: every DNS remote has reported it (real-04 as drifted).
    await waitFor(
      'the inventories of the three DNS remotes',
      () => {
        const rows = s().inventory.object(`zone:${ZONE}`)?.remotes ?? [];
        const states = Object.fromEntries(rows.map((r) => [r.remoteId, r.state]));
        return (
          states['real-01'] === 'in-sync' &&
          states['real-03'] === 'in-sync' &&
          states['real-04'] === 'drifted'
        );
      },
      60_000,
      100,
    );

    const view = await findName({ name: `WWW.${ZONE}`, rrtype: 'A' });
    expect(view).toMatchObject({ name: `WWW.${ZONE}.`, rrtype: 'A', distinctAnswers: 2, notServing: 0 });
    expect(view.remotes).toEqual([
      { remoteId: 'real-01', state: 'answered', zone: ZONE, answers: ['192.0.2.10'], differs: false },
      { remoteId: 'real-03', state: 'answered', zone: ZONE, answers: ['192.0.2.10'], differs: false },
      { remoteId: 'real-04', state: 'answered', zone: ZONE, answers: ['192.0.2.99'], differs: true },
    ]);
    // A name the three agree on.
    const mail = await findName({ name: `mail.${ZONE}`, rrtype: 'A' });
    expect(mail.distinctAnswers).toBe(1);
    expect(mail.remotes.map((r) => (r.state === 'answered' ? r.answers : r.state))).toEqual([
      ['192.0.2.25'],
      ['192.0.2.25'],
      ['192.0.2.25'],
    ]);

    // The CLI, another process on the same database: the same answers, exit 1 on the disagreement.
    const cli = await smt('find', `www.${ZONE}`, '--json');
    expect(cli.code, cli.stderr).toBe(1);
    const fromCli = JSON.parse(cli.stdout) as FindNameView;
    expect(fromCli.remotes.map((r) => [r.remoteId, r.state === 'answered' ? r.differs : r.state])).toEqual([
      ['real-01', false],
      ['real-03', false],
      ['real-04', true],
    ]);
    const bad = await smt('find', `www..${ZONE}`);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/empty label/);

    // The served zone of real-04, as the Remote screen's records table reads it.
    const served = await askServed(s(), 'real-04', { kind: 'zone', name: ZONE }, 8_000);
    const { records, problems } = parseZoneRecords(served.text ?? '', ZONE);
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.name, r.ttl, r.type, r.data])).toEqual([
      [`${ZONE}.`, 300, 'SOA', `ns1.${ZONE}. admin.${ZONE}. 50 3600 600 86400 300`],
      [`${ZONE}.`, 300, 'NS', `ns1.${ZONE}.`],
      [`ns1.${ZONE}.`, 300, 'A', '192.0.2.53'],
      [`www.${ZONE}.`, 300, 'A', '192.0.2.99'],
      [`mail.${ZONE}.`, 60, 'A', '192.0.2.25'],
    ]);
  }, 180_000);
});
