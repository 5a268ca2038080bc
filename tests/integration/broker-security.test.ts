/**
 * Promise 4 of the design, against real brokers over mutual TLS: only provisioned certificates connect,
 * a remote reads only its own channels and speaks only for itself, and provisioning and revocation
 * work on running brokers. Also the lab's own contract: one TLS port, failover, down leaves nothing.
 */
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consoleProfilePath,
  consoleTlsFiles,
  labConsoleTls,
  issueUnprovisionedCert,
  killBroker,
  labDown,
  labStatus,
  labUp,
  makeForeignIdentity,
  provision,
  remoteIdentity,
  revoke,
  waitForActiveBroker,
  type BrokerStatus,
} from '../../lab/lab';
import { listeningTcpPorts, pidAlive } from '../../lab/process';
import { ConsoleProfile, type TlsFiles } from '../../src-shared/profile';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { HandshakeError, StompProbe, until, type ProbeTls, type StompFrame } from '../helpers/stomp-probe';

const consoleId = 'lab-console';
let lab: LabFixture;
let primary: BrokerStatus;
const probes: StompProbe[] = [];

function tlsOf(files: TlsFiles): ProbeTls {
  return {
    ca: readFileSync(files.caFile),
    cert: readFileSync(files.certFile),
    key: readFileSync(files.keyFile),
  };
}

async function remoteTls(rid: string): Promise<ProbeTls> {
  return tlsOf((await remoteIdentity(rid, { ...lab.opts, provision: false })).tls);
}

/** A STOMP session that must be accepted; closed in afterAll. */
async function session(tls: ProbeTls, port = primary.port): Promise<StompProbe> {
  const { probe, reply } = await StompProbe.session({ port, tls });
  probes.push(probe);
  expect(reply.command, reply.headers.message).toBe('CONNECTED');
  return probe;
}

function expectError(frame: StompFrame, message: string | RegExp): void {
  expect(frame.command).toBe('ERROR');
  if (typeof message === 'string') expect(frame.headers.message).toBe(message);
  else expect(frame.headers.message).toMatch(message);
}

const isMessage =
  (sub: string, pred: (f: StompFrame) => boolean = () => true) =>
  (f: StompFrame) =>
    f.command === 'MESSAGE' && f.headers.subscription === sub && pred(f);

beforeAll(async () => {
  lab = await startLab();
  primary = lab.brokers.find((b) => b.name === 'primary') as BrokerStatus;
  expect(primary.role).toBe('active');
  await provision(['r-0001', 'r-0002', 'r-0003'], lab.opts);
});

afterAll(async () => {
  for (const p of probes) p.close();
  await lab?.stop();
});

describe('who may connect', () => {
  it('admits a provisioned remote and the console', async () => {
    await session(await remoteTls('r-0001'));
    await session(await labConsoleTls(lab.opts));
    const profile = ConsoleProfile.parse(JSON.parse(readFileSync(consoleProfilePath(lab.opts), 'utf8')));
    expect(profile.consoleId).toBe(consoleId);
    expect(profile.brokers.map((b) => b.port)).toEqual(lab.brokers.map((b) => b.port));
  });

  it('refuses a certificate from the lab CA that is not provisioned, with a STOMP ERROR', async () => {
    const rogue = tlsOf(await issueUnprovisionedCert('rogue', lab.opts));
    const { probe, reply } = await StompProbe.session({ port: primary.port, tls: rogue });
    probes.push(probe);
    // The full text starts with JAAS's generic "User name [null] or password is invalid."
    expectError(reply, /No user for client certificate: CN=rogue, OU=remotes, O=SMT Lab$/);
  });

  it('fails the TLS handshake for a foreign-CA certificate that mimics a provisioned remote', async () => {
    const foreign = await makeForeignIdentity(join(lab.dir, 'foreign'), 'r-0001');
    const tls = { ...tlsOf(foreign), ca: readFileSync(consoleTlsFiles(lab.opts).caFile) };
    // TLS 1.2: the client certificate is judged inside the handshake, so the handshake itself fails.
    await expect(
      StompProbe.open({ port: primary.port, tls: { ...tls, maxVersion: 'TLSv1.2' } }),
    ).rejects.toThrow(HandshakeError);
    // TLS 1.3: the client learns of the refusal only after its side of the handshake; no STOMP ever.
    const probe = await StompProbe.open({ port: primary.port, tls });
    probes.push(probe);
    probe.write('CONNECT', { 'accept-version': '1.2', host: 'localhost' });
    await probe.waitClosed();
    expect(probe.frames).toEqual([]);
  });

  it('fails the TLS handshake without a client certificate', async () => {
    const ca = readFileSync(consoleTlsFiles(lab.opts).caFile);
    await expect(StompProbe.open({ port: primary.port, tls: { ca, maxVersion: 'TLSv1.2' } })).rejects.toThrow(
      HandshakeError,
    );
    const probe = await StompProbe.open({ port: primary.port, tls: { ca } });
    probes.push(probe);
    probe.write('CONNECT', { 'accept-version': '1.2', host: 'localhost' });
    await probe.waitClosed();
    expect(probe.frames).toEqual([]);
  });

  it('listens on exactly one TCP port, the TLS one, and answers no plaintext STOMP there', async () => {
    const status = await labStatus(lab.opts);
    const secondary = status.find((b) => b.name === 'secondary') as BrokerStatus;
    expect(listeningTcpPorts(primary.pid as number)).toEqual([primary.port]);
    // The standby holds no store lock and opens nothing at all.
    expect(secondary.role).toBe('standby');
    expect(listeningTcpPorts(secondary.pid as number)).toEqual([]);

    const plain = await StompProbe.open({ port: primary.port });
    probes.push(plain);
    plain.write('CONNECT', { 'accept-version': '1.2', host: 'localhost' });
    await plain.waitClosed();
    expect(plain.frames).toEqual([]);
    expect(plain.received.toString('latin1')).not.toContain('CONNECTED');
  });
});

describe('what a remote may do', () => {
  it('cannot subscribe to another remote queue, but can to its own and gets what the console queued', async () => {
    const r2 = await session(await remoteTls('r-0002'));
    expectError(
      await r2.subscribe('/queue/smt.remote.r-0001.config', 'other'),
      'r-0002 is not allowed to consume queue://smt.remote.r-0001.config',
    );

    const admin = await session(await labConsoleTls(lab.opts));
    expect(
      (await admin.send('/queue/smt.remote.r-0002.config', '{"n":1}', { persistent: 'true' })).command,
    ).toBe('RECEIPT');
    expect((await r2.subscribe('/queue/smt.remote.r-0002.config', 'own')).command).toBe('RECEIPT');
    expect((await r2.waitFor(isMessage('own'))).body).toBe('{"n":1}');
  });

  it.each([
    [
      'a wildcard over remote queues',
      '/queue/smt.remote.>',
      {},
      /not allowed to consume wildcard or composite/,
    ],
    [
      'its own queues by wildcard',
      '/queue/smt.remote.r-0002.>',
      {},
      /not allowed to consume wildcard or composite/,
    ],
    [
      'a composite destination',
      '/queue/smt.remote.r-0002.config,/queue/smt.remote.r-0001.config',
      {},
      /not allowed to consume wildcard or composite/,
    ],
    [
      'a browser, even on its own queue',
      '/queue/smt.remote.r-0002.config',
      { browser: 'true' },
      /not allowed to browse/,
    ],
    [
      'the inventory queue',
      '/queue/smt.inventory',
      {},
      'r-0002 is not allowed to consume queue://smt.inventory',
    ],
    [
      'another remote stats',
      '/topic/smt.stats.r-0001',
      {},
      'r-0002 is not allowed to consume topic://smt.stats.r-0001',
    ],
    [
      'broker advisories',
      '/topic/ActiveMQ.Advisory.Connection',
      {},
      'r-0002 is not allowed to consume topic://ActiveMQ.Advisory.Connection',
    ],
  ])('cannot consume %s', async (_what, destination, headers, message) => {
    const r2 = await session(await remoteTls('r-0002'));
    expectError(await r2.subscribe(destination, 'x', headers), message);
  });

  it('cannot publish stats (or presence, usage, log) as another remote; the console never sees it', async () => {
    const admin = await session(await labConsoleTls(lab.opts));
    expect((await admin.subscribe('/topic/smt.stats.>', 'stats')).command).toBe('RECEIPT');
    const r1 = await session(await remoteTls('r-0001'));
    expectError(
      await r1.send('/topic/smt.stats.r-0002', '{"forged":true}'),
      'r-0001 is not allowed to publish to topic://smt.stats.r-0002',
    );
    for (const kind of ['presence', 'usage', 'log']) {
      expectError(await r1.send(`/topic/smt.${kind}.r-0002`, '{}'), /r-0001 is not allowed to publish/);
    }
    expectError(await r1.send('/queue/smt.remote.r-0002.config', '{}'), /not authorized to write/);
    // The broker handles one connection's frames in order: once the honest sample arrives, a forged one would have too.
    expect((await r1.send('/topic/smt.stats.r-0001', '{"honest":true}')).command).toBe('RECEIPT');
    await admin.waitFor(isMessage('stats', (f) => f.body === '{"honest":true}'));
    expect(admin.frames.filter(isMessage('stats')).map((f) => f.body)).toEqual(['{"honest":true}']);
  });

  it('stamps every message with the authenticated remote id as JMSXUserID, whatever the sender claims', async () => {
    const admin = await session(await labConsoleTls(lab.opts));
    expect((await admin.subscribe('/queue/smt.events', 'events')).command).toBe('RECEIPT');
    const r1 = await session(await remoteTls('r-0001'));
    expect(
      (await r1.send('/queue/smt.events', '{"e":1}', { persistent: 'true', JMSXUserID: 'r-0002' })).command,
    ).toBe('RECEIPT');
    const msg = await admin.waitFor(isMessage('events', (f) => f.body === '{"e":1}'));
    expect(msg.headers.JMSXUserID).toBe('r-0001');
  });

  it('can do everything the protocol asks of it, and the console receives it all', async () => {
    const admin = await session(await labConsoleTls(lab.opts));
    const flows = [
      `/queue/smt.inventory`,
      `/queue/smt.console.${consoleId}.result`,
      `/queue/smt.console.${consoleId}.reply`,
      '/topic/smt.presence.r-0003',
      '/topic/smt.usage.r-0003',
      '/topic/smt.log.r-0003',
    ];
    const subscriptionOf = (d: string) => (d.startsWith('/topic/') ? d.replace(/\.r-0003$/, '.>') : d);
    for (const [i, d] of flows.entries()) {
      expect((await admin.subscribe(subscriptionOf(d), `f${i}`)).command).toBe('RECEIPT');
    }
    const r3 = await session(await remoteTls('r-0003'));
    for (const [i, d] of flows.entries()) {
      const sent = await r3.send(d, `{"flow":${i}}`, d.startsWith('/queue/') ? { persistent: 'true' } : {});
      expect(sent.command, `${d}: ${sent.headers.message}`).toBe('RECEIPT');
    }
    for (const [i] of flows.entries()) {
      const msg = await admin.waitFor(isMessage(`f${i}`, (f) => f.body === `{"flow":${i}}`));
      expect(msg.headers.JMSXUserID).toBe('r-0003');
    }
  });

  it('lets the console ask the statistics plugin about a queue, and not a remote', async () => {
    const admin = await session(await labConsoleTls(lab.opts));
    const replyTo = `/queue/smt.console.${consoleId}.stats`;
    expect((await admin.subscribe(replyTo, 'st', { transformation: 'jms-map-json' })).command).toBe(
      'RECEIPT',
    );
    // The plugin answers only for queues that exist: ask about the reply queue, just created by SUBSCRIBE.
    const asked = await admin.send(
      `/queue/ActiveMQ.Statistics.Destination.smt.console.${consoleId}.stats`,
      '',
      {
        'reply-to': replyTo,
        'correlation-id': 'q1',
      },
    );
    expect(asked.command).toBe('RECEIPT');
    const reply = await admin.waitFor(isMessage('st', (f) => f.headers['correlation-id'] === 'q1'));
    expect(reply.body).toContain(`"destinationName","queue:\\/\\/smt.console.${consoleId}.stats"`);

    // The console reads a queue's oldest message age with a browser, which remotes may not use.
    expect(
      (await admin.subscribe('/queue/smt.remote.r-0001.command', 'browse', { browser: 'true' })).command,
    ).toBe('RECEIPT');

    const r1 = await session(await remoteTls('r-0001'));
    expectError(
      await r1.send('/queue/ActiveMQ.Statistics.Destination.smt.inventory', '', { 'reply-to': replyTo }),
      /not authorized to write/,
    );
  });
});

describe('allowlist changes on running brokers', () => {
  it('provision admits a new remote without a broker restart', async () => {
    const pid = primary.pid;
    const before = tlsOf(
      await issueUnprovisionedCert('r-0100', { ...lab.opts, outDir: join(lab.dir, 'pre') }),
    );
    const refused = await StompProbe.session({ port: primary.port, tls: before });
    probes.push(refused.probe);
    expectError(refused.reply, /No user for client certificate: CN=r-0100/);

    await provision(['r-0100'], lab.opts);
    await session(await remoteTls('r-0100'));
    expect((await labStatus(lab.opts)).find((b) => b.name === 'primary')?.pid).toBe(pid);
  });

  it('keeps every session when the allowlist file is found empty (a half-written file is no revocation)', async () => {
    const users = join(lab.dir, 'conf', 'users.properties');
    const log = join(lab.dir, 'primary', 'data', 'activemq.log');
    const original = readFileSync(users, 'utf8');
    const r1 = await session(await remoteTls('r-0001'));
    const from = readFileSync(log).length;
    writeFileSync(users, '');
    try {
      await until('a revocation sweep to skip the empty file', () =>
        readFileSync(log)
          .subarray(from)
          .toString()
          .includes('unreadable or empty: revocation sweeps skipped'),
      );
    } finally {
      writeFileSync(users, original);
      // JAAS reloads only a file whose mtime moved past its last load.
      const later = new Date(Date.now() + 1000);
      utimesSync(users, later, later);
    }
    expect(r1.closed).toBe(false);
    expect((await r1.send('/topic/smt.presence.r-0001', '{}')).command).toBe('RECEIPT');
  });

  it('revoke ends a live session within 5 s without a restart, and leaves other sessions alone', async () => {
    const pid = primary.pid;
    const admin = await session(await labConsoleTls(lab.opts));
    const r3tls = await remoteTls('r-0003');
    const r3 = await session(r3tls);
    expect((await r3.subscribe('/queue/smt.remote.r-0003.config', 'own')).command).toBe('RECEIPT');

    const start = Date.now();
    await revoke('r-0003', lab.opts);
    await r3.waitClosed(5000);
    const latency = Date.now() - start;
    console.info(`revoke → connection closed in ${latency} ms`);
    expect(latency).toBeLessThan(5000);
    expectError(r3.frames.find((f) => f.command === 'ERROR') as StompFrame, /r-0003.*was revoked/);

    const again = await StompProbe.session({ port: primary.port, tls: r3tls });
    probes.push(again.probe);
    expectError(again.reply, /No user for client certificate: CN=r-0003/);

    expect(admin.closed).toBe(false);
    expect((await admin.send('/queue/smt.remote.r-0001.command', '{}')).command).toBe('RECEIPT');
    expect((await labStatus(lab.opts)).find((b) => b.name === 'primary')?.pid).toBe(pid);
  });
});

describe('the lab', () => {
  it('fails over to the secondary when the primary is killed, keeping persistent messages', async () => {
    const admin = await session(await labConsoleTls(lab.opts));
    const queued = await admin.send('/queue/smt.remote.r-0001.config', '{"survives":true}', {
      persistent: 'true',
    });
    expect(queued.command).toBe('RECEIPT');

    const killed = await killBroker('primary', lab.opts);
    expect(killed).toBe(primary.pid);
    const start = Date.now();
    const active = await waitForActiveBroker({ ...lab.opts, timeoutMs: 60_000 });
    console.info(`primary SIGKILL → secondary accepts TLS in ${Date.now() - start} ms`);
    expect(active.name).toBe('secondary');

    const r1 = await session(await remoteTls('r-0001'), active.port);
    expect((await r1.subscribe('/queue/smt.remote.r-0001.config', 'own')).command).toBe('RECEIPT');
    await r1.waitFor(isMessage('own', (f) => f.body === '{"survives":true}'));

    // up is idempotent: it restarts only the killed primary, which now queues behind the lock as standby.
    const after = await labUp(lab.opts);
    const byName = Object.fromEntries(after.map((b) => [b.name, b]));
    expect(byName.secondary?.pid).toBe(active.pid);
    expect(byName.primary?.role).toBe('standby');
    expect(byName.primary?.pid).not.toBe(killed);
  });

  it('down stops every broker it started and leaves no broker process', async () => {
    const pids = (await labStatus(lab.opts)).map((b) => b.pid).filter((p): p is number => p !== null);
    expect(pids).toHaveLength(2);
    await labDown(lab.opts);
    for (const pid of pids) expect(pidAlive(pid)).toBe(false);
    expect(existsSync(join(lab.dir, 'primary.pid')) || existsSync(join(lab.dir, 'secondary.pid'))).toBe(
      false,
    );
    const ours = (pid: string) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(lab.dir);
      } catch {
        return false;
      }
    };
    await until(
      'no process mentioning the lab dir',
      () =>
        !readdirSync('/proc')
          .filter((p) => /^\d+$/.test(p))
          .some(ours),
    );
    expect((await labStatus(lab.opts)).map((b) => b.role)).toEqual(['down', 'down']);
  });
});
