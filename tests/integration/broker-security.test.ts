/**
 * Promise 4 of the design, against real brokers over mutual TLS: only provisioned certificates connect
 * (the certificate matrix, run for a console and an agent identity, with a raw client and our own
 * SmtConnection), a remote reads only its own channels and speaks only for itself, and provisioning and
 * revocation work on running brokers. Also the lab's own contract: one TLS port, failover, down leaves nothing.
 *
 * Why this file is over 450 lines: all its cases share one lab (two brokers, started once in beforeAll),
 * and integration files run one at a time, so each file split off would start and stop a lab of its own
 * in series: 7.8-13.5 s up and 0.5 s down per start, measured (three runs of startLab() and stop() on a
 * 2-core machine shared with other work). The lab cases come last on purpose: they kill the primary and
 * take the lab down.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../lab/allowlist';
import {
  consoleProfilePath,
  consoleTlsFiles,
  issueFlawedCert,
  issueUnprovisionedCert,
  killBroker,
  labConsoleKeys,
  labConsoleTls,
  labDown,
  labSignerFiles,
  labStatus,
  labUp,
  makeForeignIdentity,
  provision,
  provisionConsole,
  remoteIdentity,
  revoke,
  waitForActiveBroker,
  type BrokerStatus,
} from '../../lab/lab';
import { listeningTcpPorts, pidAlive } from '../../lab/process';
import type { LogEntry } from '../../src-node/log';
import { SealedKeyError, openPrivateKey, plainKeys, type KeyPolicy } from '../../src-node/secrets';
import { SmtConnection } from '../../src-node/smt/connection';
import { waitFor } from '../../src-node/smt/testing/wait';
import { TlsMaterialError, loadTlsMaterial, type TlsMaterial } from '../../src-node/tls';
import { ConsoleProfile, TlsFiles } from '../../src-shared/profile';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import {
  HandshakeError,
  StompProbe,
  probeTls,
  until,
  type ProbeTls,
  type StompFrame,
} from '../helpers/stomp-probe';
import {
  certCases,
  certMatrixRows,
  clientPace,
  markdownTable,
  type BrokerAnswer,
  type CertCase,
  type LoaderVerdict,
} from './cert-matrix';

const consoleId = 'lab-console';
let lab: LabFixture;
let primary: BrokerStatus;
const probes: StompProbe[] = [];
const conns: SmtConnection[] = [];

async function remoteTls(rid: string): Promise<ProbeTls> {
  return probeTls((await remoteIdentity(rid, { ...lab.opts, provision: false })).tls);
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
  await Promise.all(conns.map((c) => c.stop(0)));
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

describe('the certificate matrix (docs/reliability.md)', () => {
  type Holder = { kind: 'console' | 'agent'; name: string; role: Role; rogue: string };
  const holders: Holder[] = [
    { kind: 'console', name: 'console-b', role: 'consoles', rogue: 'console-rogue' },
    { kind: 'agent', name: 'r-0200', role: 'remotes', rogue: 'r-0299' },
  ];
  const label = (h: Holder) => (h.kind === 'console' ? `console ${h.name}` : `remote ${h.name}`);
  const dn = (name: string, role: Role) => `CN=${name}, OU=${role}, O=SMT Lab`;
  const good = new Map<string, TlsFiles>();
  const revokeFigures: string[] = [];

  beforeAll(async () => {
    good.set('console-b', await provisionConsole('console-b', lab.opts));
    good.set('r-0200', (await remoteIdentity('r-0200', lab.opts)).tls);
  });
  afterAll(() => {
    if (revokeFigures.length) console.info(`revoke → session closed: ${revokeFigures.join('; ')}`);
  });

  /** The files a case presents, with the policy their key opens under. */
  async function certificateOf(
    c: CertCase,
    h: Holder | undefined,
  ): Promise<{ files: TlsFiles; keys?: KeyPolicy }> {
    const ca = consoleTlsFiles(lab.opts).caFile;
    if (c.id === 'signer')
      return { files: { caFile: ca, ...labSignerFiles(lab.opts) }, keys: await labConsoleKeys(lab.opts) };
    if (!h) throw new Error(`case ${c.id} needs a holder`);
    switch (c.id) {
      case 'foreign-ca':
        return {
          files: {
            ...(await makeForeignIdentity(join(lab.dir, 'foreign', h.kind), h.name, h.role)),
            caFile: ca,
          },
        };
      case 'unprovisioned':
        return { files: await issueUnprovisionedCert(h.rogue, { ...lab.opts, role: h.role }) };
      case 'expired':
      case 'not-yet-valid':
      case 'server-auth-only':
      case 'key-agreement-only':
        return { files: await issueFlawedCert(h.name, c.id, { ...lab.opts, role: h.role }) };
      case 'none':
      case 'provisioned':
      case 'reprovisioned':
      case 'revoked-while-connected':
        return { files: good.get(h.name) as TlsFiles };
    }
  }

  /** The PEMs as an attacker (or a client past its loader) would present them, checks skipped. */
  async function material({
    files,
    keys = plainKeys,
  }: {
    files: TlsFiles;
    keys?: KeyPolicy;
  }): Promise<TlsMaterial> {
    const cert = readFileSync(files.certFile, 'utf8');
    const key = await openPrivateKey(
      readFileSync(files.keyFile, 'utf8'),
      files.keyFile,
      keys.sealed ? 'signing' : 'tls',
      keys,
    );
    return {
      ca: readFileSync(files.caFile, 'utf8'),
      cert,
      key,
      subjectCn: '',
      notAfter: new Date(new X509Certificate(cert).validTo),
    };
  }

  /** What the broker answers a raw client, over TLS 1.2 and 1.3; both must agree. */
  async function brokerAnswer(tls: ProbeTls, expectDn?: string): Promise<BrokerAnswer> {
    const answers: BrokerAnswer[] = [];
    for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
      const opened = await StompProbe.open({ port: primary.port, tls: { ...tls, maxVersion } }).catch(
        (e: unknown) => e,
      );
      if (opened instanceof HandshakeError) {
        answers.push('tls-refused');
        continue;
      }
      const probe = opened as StompProbe;
      probes.push(probe);
      probe.write('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0' });
      const reply = await probe
        .waitFor((f) => f.command === 'CONNECTED' || f.command === 'ERROR')
        .catch(() => undefined);
      if (!reply) {
        // Closed with nothing said: the TLS 1.3 form of a refused certificate on stomp+nio+ssl.
        expect(probe.closed).toBe(true);
        expect(probe.frames).toEqual([]);
        answers.push('tls-refused');
      } else if (reply.command === 'CONNECTED') {
        answers.push('admitted');
      } else {
        // The full text starts with JAAS's generic "User name [null] or password is invalid."
        expect(reply.headers.message).toMatch(
          new RegExp(`No user for client certificate: ${expectDn ?? '.*'}$`),
        );
        answers.push('no-user');
      }
    }
    expect(answers[0], 'TLS 1.2 and TLS 1.3 agree').toBe(answers[1]);
    return answers[1] as BrokerAnswer;
  }

  async function loaderVerdict(files: TlsFiles, keys?: KeyPolicy): Promise<LoaderVerdict> {
    return loadTlsMaterial(files, new Date(), keys).then(
      (): LoaderVerdict => 'loads',
      (e: unknown) => {
        if (e instanceof TlsMaterialError || e instanceof SealedKeyError) return e.problem as LoaderVerdict;
        throw e;
      },
    );
  }

  /** A real SmtConnection as the console and the agent use it, with its log kept. */
  function connection(h: Holder, tls: TlsMaterial) {
    const log: LogEntry[] = [];
    const conn = new SmtConnection({ name: label(h), brokers: lab.brokers, tls, log: (e) => log.push(e) });
    conns.push(conn);
    let failedAt = 0;
    conn.onState((s) => {
      if (s.kind === 'backoff') failedAt = Date.now();
    });
    conn.start();
    const settled = () =>
      waitFor(
        `${label(h)} to connect or back off`,
        () => conn.state.kind === 'connected' || conn.state.kind === 'backoff',
        30_000,
      );
    /** The retry delay the connection chose, from the moment it backed off. */
    const retryIn = () => (conn.state.kind === 'backoff' ? conn.state.retryAt - failedAt : NaN);
    return { conn, log, settled, retryIn };
  }

  const refusals = (h: Holder, c: ReturnType<typeof connection>) =>
    c.log.filter((e) => e.msg === `${label(h)}: cannot open a session with primary`);

  /** What our client does with a certificate the broker refuses by name: a clear error, and the 30 s pace. */
  function expectRefusedClient(h: Holder, c: ReturnType<typeof connection>, reason: RegExp): void {
    expect(c.conn.state.kind).toBe('backoff');
    expect(c.retryIn()).toBeGreaterThan(29_000);
    const [line] = refusals(h, c);
    expect(line?.level).toBe('error');
    expect(String(line?.error)).toMatch(reason);
  }

  const refusalReason: Record<BrokerAnswer, RegExp> = {
    'tls-refused': /did not accept this certificate/,
    'no-user': /refused this identity: .*No user for client certificate/,
    admitted: /^$/,
  };

  it('is the table docs/reliability.md shows', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'reliability.md'), 'utf8');
    expect(markdownTable(doc, '## Certificate matrix')).toEqual(certMatrixRows());
  });

  const runs: [string, CertCase, Holder | undefined][] = certCases.flatMap(
    (c): [string, CertCase, Holder | undefined][] =>
      c.holders === 'none' ? [[c.id, c, undefined]] : holders.map((h) => [`${c.id} (${h.kind})`, c, h]),
  );

  it.each(runs)('%s', async (_name, c, h) => {
    if (c.id === 'revoked-while-connected' && h) return revokeWhileConnected(c, h);
    if (c.id === 'reprovisioned' && h) return reprovision(c, h);
    const ca = consoleTlsFiles(lab.opts).caFile;
    if (c.id === 'none') {
      expect(TlsFiles.safeParse({ caFile: ca }).success ? 'loads' : 'no-certificate').toBe(c.loader);
      expect(await brokerAnswer({ ca: readFileSync(ca) })).toBe(c.broker);
      return;
    }
    const cert = await certificateOf(c, h);
    expect(await loaderVerdict(cert.files, cert.keys)).toBe(c.loader);
    const tls = await material(cert);
    const subject = new X509Certificate(tls.cert).subject.split('\n').reverse().join(', ');
    expect(await brokerAnswer(tls, subject)).toBe(c.broker);
    if (!h) return;
    const client = connection(h, tls);
    switch (clientPace(c)) {
      case 'connected':
        await client.settled();
        expect(client.conn.state.kind).toBe('connected');
        break;
      case 'every-30-s':
        await client.settled();
        expectRefusedClient(
          h,
          client,
          c.id === 'expired' ? /expired on .*; renew it/ : refusalReason[c.broker],
        );
        break;
      case 'usual-backoff':
        // A silent close may also be a broker going down: the reason is logged and the next try comes soon.
        await waitFor(`${label(h)} to log why, twice`, () => refusals(h, client).length >= 2, 30_000);
        expect(refusals(h, client).some((e) => /did not accept this certificate/.test(String(e.error)))).toBe(
          true,
        );
        break;
    }
    await client.conn.stop();
  });

  async function revokeWhileConnected(c: CertCase, h: Holder): Promise<void> {
    const pid = primary.pid;
    const admin = await session(await labConsoleTls(lab.opts));
    const tls = await material({ files: good.get(h.name) as TlsFiles });
    const raw = await session(tls);
    const client = connection(h, tls);
    await client.settled();
    expect(client.conn.state.kind).toBe('connected');
    let clientLostAt = 0;
    client.conn.onState((s, prev) => {
      if (prev.kind === 'connected' && !clientLostAt) clientLostAt = Date.now();
    });

    const start = Date.now();
    await revoke(h.name, lab.opts);
    // Both sessions end within 5 s of the revocation (each wait fails past it); the times are figures.
    const [rawMs] = await Promise.all([
      raw.waitClosed(5000),
      waitFor(`${label(h)} to lose its session`, () => clientLostAt > 0, 5000),
    ]);
    revokeFigures.push(`${h.kind} raw ${rawMs} ms, SmtConnection ${clientLostAt - start} ms`);
    expect(raw.frames.find((f) => f.command === 'ERROR')?.headers.message).toMatch(
      new RegExp(`certificate of ${h.name} \\(${dn(h.name, h.role)}\\) was revoked`),
    );
    // It reconnects at once, is refused by name, and settles to the 30 s pace.
    await waitFor(`${label(h)} to back off`, () => client.conn.state.kind === 'backoff', 10_000);
    expectRefusedClient(h, client, refusalReason[c.broker]);
    expect(await brokerAnswer(tls, dn(h.name, h.role))).toBe(c.broker);

    expect(admin.closed).toBe(false);
    expect((await admin.send('/queue/smt.remote.r-0001.command', '{}')).command).toBe('RECEIPT');
    expect((await labStatus(lab.opts)).find((b) => b.name === 'primary')?.pid).toBe(pid);
    await client.conn.stop();
  }

  async function reprovision(c: CertCase, h: Holder): Promise<void> {
    const pid = primary.pid;
    if (h.kind === 'console') await provisionConsole(h.name, lab.opts);
    else await provision([h.name], lab.opts);
    const tls = await material({ files: good.get(h.name) as TlsFiles });
    expect(await brokerAnswer(tls)).toBe(c.broker);
    const client = connection(h, tls);
    await client.settled();
    expect(client.conn.state.kind).toBe('connected');
    await client.conn.stop();
    expect((await labStatus(lab.opts)).find((b) => b.name === 'primary')?.pid).toBe(pid);
  }
});

describe('what a console may do, by its role (docs/roles.md)', () => {
  const refusedAs = (role: string, queue: string) =>
    `console-roles (role ${role}) is not allowed to send to queue://${queue}: only an operator, approver or admin changes remotes`;

  it('refuses a viewer’s config, command and broadcast (the remote never sees them), lets it query, and applies a role change to the live session', async () => {
    const viewer = await session(probeTls(await provisionConsole('console-roles', lab.opts, 'viewer')));
    const remote = await session(await remoteTls('r-0003'));
    for (const kind of ['config', 'command', 'broadcast']) {
      expect((await remote.subscribe(`/queue/smt.remote.r-0003.${kind}`, kind)).command).toBe('RECEIPT');
    }

    for (const kind of ['config', 'command', 'broadcast']) {
      const queue = `smt.remote.r-0003.${kind}`;
      expectError(await viewer.send(`/queue/${queue}`, `{"from":"viewer"}`), refusedAs('viewer', queue));
    }
    // A composite destination is judged by every part: a query cannot carry a config along.
    expectError(
      await viewer.send('/queue/smt.remote.r-0003.query,smt.remote.r-0003.config', '{}'),
      refusedAs('viewer', 'smt.remote.r-0003.config'),
    );
    expect((await viewer.send('/queue/smt.remote.r-0003.query', '{"q":1}')).command).toBe('RECEIPT');

    // Made an operator: the same session may push once a sweep read the new role (within 5 s).
    await provisionConsole('console-roles', lab.opts, 'operator');
    let sent = 0;
    await waitFor(
      'the operator role on the live session',
      async () =>
        (await viewer.send('/queue/smt.remote.r-0003.config', `{"n":${++sent}}`)).command === 'RECEIPT',
      5_000,
      200,
    );
    // One connection's frames are handled in order: had a refused config gone through, it came first.
    const configs = await remote.waitFor(isMessage('config', (f) => f.body === `{"n":${sent}}`));
    expect(configs.body).toBe(`{"n":${sent}}`);
    expect(remote.frames.filter(isMessage('config')).map((f) => f.body)).toEqual([`{"n":${sent}}`]);
    expect(remote.frames.filter(isMessage('command'))).toEqual([]);
    expect(remote.frames.filter(isMessage('broadcast'))).toEqual([]);

    // And back to viewer: refused again on the same session within 5 s.
    await provisionConsole('console-roles', lab.opts, 'viewer');
    await waitFor(
      'the viewer role on the live session',
      async () => (await viewer.send('/queue/smt.remote.r-0003.command', '{}')).command === 'ERROR',
      5_000,
      200,
    );
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
      "a console's copy of the inventory",
      '/queue/Consumer.lab-console.VirtualTopic.smt.inventory',
      {},
      'r-0002 is not allowed to consume queue://Consumer.lab-console.VirtualTopic.smt.inventory',
    ],
    [
      'a copy of the events under its own name',
      '/queue/Consumer.r-0002.VirtualTopic.smt.events',
      {},
      'r-0002 is not allowed to consume queue://Consumer.r-0002.VirtualTopic.smt.events',
    ],
    [
      'the inventory virtual topic',
      '/topic/VirtualTopic.smt.inventory',
      {},
      'r-0002 is not allowed to consume topic://VirtualTopic.smt.inventory',
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
    // The virtual topics are named exactly in the map: no VirtualTopic.smt.stats.<another id>.
    expectError(await r1.send('/topic/VirtualTopic.smt.stats.r-0002', '{}'), /not authorized to write/);
    // The broker handles one connection's frames in order: once the honest sample arrives, a forged one would have too.
    expect((await r1.send('/topic/smt.stats.r-0001', '{"honest":true}')).command).toBe('RECEIPT');
    await admin.waitFor(isMessage('stats', (f) => f.body === '{"honest":true}'));
    expect(admin.frames.filter(isMessage('stats')).map((f) => f.body)).toEqual(['{"honest":true}']);
  });

  it('stamps every message with the authenticated remote id as JMSXUserID, whatever the sender claims', async () => {
    const admin = await session(await labConsoleTls(lab.opts));
    expect(
      (await admin.subscribe(`/queue/Consumer.${consoleId}.VirtualTopic.smt.events`, 'events')).command,
    ).toBe('RECEIPT');
    const r1 = await session(await remoteTls('r-0001'));
    expect(
      (
        await r1.send('/topic/VirtualTopic.smt.events', '{"e":1}', {
          persistent: 'true',
          JMSXUserID: 'r-0002',
        })
      ).command,
    ).toBe('RECEIPT');
    const msg = await admin.waitFor(isMessage('events', (f) => f.body === '{"e":1}'));
    expect(msg.headers.JMSXUserID).toBe('r-0001');
    // The console's copy of the events is one queue: a consumer left on it would take the next test's.
    admin.close();
  });

  it('can do everything the protocol asks of it, and the console receives it all', async () => {
    const admin = await session(await labConsoleTls(lab.opts));
    // Where the remote sends, and where the console reads it.
    const flows: [string, string][] = [
      ['/topic/VirtualTopic.smt.inventory', `/queue/Consumer.${consoleId}.VirtualTopic.smt.inventory`],
      ['/topic/VirtualTopic.smt.events', `/queue/Consumer.${consoleId}.VirtualTopic.smt.events`],
      [`/queue/smt.console.${consoleId}.result`, `/queue/smt.console.${consoleId}.result`],
      [
        `/queue/smt.console.${consoleId}.reply.abcdef123456`,
        `/queue/smt.console.${consoleId}.reply.abcdef123456`,
      ],
      ['/topic/smt.presence.r-0003', '/topic/smt.presence.>'],
      ['/topic/smt.usage.r-0003', '/topic/smt.usage.>'],
      ['/topic/smt.log.r-0003', '/topic/smt.log.>'],
    ];
    for (const [i, [, read]] of flows.entries()) {
      expect((await admin.subscribe(read, `f${i}`)).command).toBe('RECEIPT');
    }
    const r3 = await session(await remoteTls('r-0003'));
    for (const [i, [d, read]] of flows.entries()) {
      const sent = await r3.send(
        d,
        `{"flow":${i}}`,
        read.startsWith('/queue/') ? { persistent: 'true' } : {},
      );
      expect(sent.command, `${d}: ${sent.headers.message}`).toBe('RECEIPT');
    }
    for (const [i] of flows.entries()) {
      const msg = await admin.waitFor(isMessage(`f${i}`, (f) => f.body === `{"flow":${i}}`));
      expect(msg.headers.JMSXUserID).toBe('r-0003');
    }
  });

  it('lets the console ask the statistics plugin about a queue, and not a remote', async () => {
    const admin = await session(await labConsoleTls(lab.opts));
    const replyTo = `/queue/smt.console.${consoleId}.stats.abcdef123456`;
    expect((await admin.subscribe(replyTo, 'st', { transformation: 'jms-map-json' })).command).toBe(
      'RECEIPT',
    );
    // The plugin answers only for queues that exist: ask about the reply queue, just created by SUBSCRIBE.
    const asked = await admin.send(
      `/queue/ActiveMQ.Statistics.Destination.smt.console.${consoleId}.stats.abcdef123456`,
      '',
      {
        'reply-to': replyTo,
        'correlation-id': 'q1',
      },
    );
    expect(asked.command).toBe('RECEIPT');
    const reply = await admin.waitFor(isMessage('st', (f) => f.headers['correlation-id'] === 'q1'));
    expect(reply.body).toContain(
      `"destinationName","queue:\\/\\/smt.console.${consoleId}.stats.abcdef123456"`,
    );

    // The console reads a queue's oldest message age with a browser, which remotes may not use.
    expect(
      (await admin.subscribe('/queue/smt.remote.r-0001.command', 'browse', { browser: 'true' })).command,
    ).toBe('RECEIPT');

    const r1 = await session(await remoteTls('r-0001'));
    expectError(
      await r1.send('/queue/ActiveMQ.Statistics.Destination.smt.remote.r-0001.config', '', {
        'reply-to': replyTo,
      }),
      /not authorized to write/,
    );
  });
});

describe('allowlist changes on running brokers', () => {
  it('provision admits a new remote without a broker restart', async () => {
    const pid = primary.pid;
    const before = probeTls(
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
