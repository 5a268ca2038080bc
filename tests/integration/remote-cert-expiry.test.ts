/**
 * A remote's certificate expiry on real brokers (issue 17): a remote provisioned with a 5-day certificate
 * runs a real agent (`smt-agent run`), whose hello reports the certificate it connects with; the console
 * session's cert-expiry rule raises an alert for it, with its remote id, and none for a remote with a
 * normal (825-day) certificate. A hello whose certificate field is malformed is refused, counted and
 * logged with the field and why.
 */
import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consoleProfilePath,
  labConsolePassphrase,
  labConsoleSealers,
  provision,
  remoteIdentity,
} from '../../lab/lab';
import { openProfileSession, type ProfileSession } from '../../src-main/core/service/profile-session';
import type { LogEntry } from '../../src-node/log';
import { sha256 } from '../../src-node/crypto/sha256';
import { waitFor } from '../../src-node/smt/testing/wait';
import { AgentProcesses, writeLabAgentConfig } from '../helpers/agent-process';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { runSmt } from '../helpers/smt-cli';
import { probeTls, StompProbe } from '../helpers/stomp-probe';
import { destinations, makeEnvelope } from '../../src-shared/protocol';

const SHORT = 'r-0961';
const NORMAL = 'r-0962';
/** Sends a hello with a malformed certificate field, from a raw STOMP session with its own identity. */
const HOSTILE = 'r-0963';

let lab: LabFixture | undefined;
let session: ProfileSession | undefined;
let dir = '';
const agents = new AgentProcesses();
const logged: LogEntry[] = [];
let probe: StompProbe | undefined;

const certAlerts = () =>
  (session as ProfileSession).alerts
    .list({ states: ['firing', 'acknowledged', 'resolved'], limit: 100 })
    .alerts.filter((a) => a.rule === 'cert-expiry');

beforeAll(async () => {
  lab = await startLab();
  dir = await mkdtemp(join(tmpdir(), 'smt-remote-cert-'));
  await provision([SHORT], lab.opts, { days: 5 });
  await provision([NORMAL, HOSTILE], lab.opts);
  session = await openProfileSession({
    profileFile: consoleProfilePath(lab.opts),
    dbFile: join(dir, 'console.db'),
    sealers: await labConsoleSealers(lab.opts),
    log: (e) => void logged.push(e),
  });
  for (const rid of [SHORT, NORMAL]) {
    const work = join(dir, rid);
    await mkdir(work);
    // writeLabAgentConfig provisions only what is missing: the 5-day certificate stays.
    const file = await writeLabAgentConfig(lab.opts, rid, work, {
      statsIntervalMs: 1000,
      presenceIntervalMs: 1000,
    });
    await agents.start(['run', '--config', file], { direct: false }).connectedToPrimary(rid);
  }
}, 180_000);

afterAll(async () => {
  probe?.close();
  agents.killAll();
  await session?.close();
  await lab?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a remote's certificate expiry", () => {
  it('comes in the hello of a real agent, as the certificate file says', async () => {
    const s = session as ProfileSession;
    await waitFor('both hellos', () => s.core.fleet.cert(SHORT) && s.core.fleet.cert(NORMAL), 60_000);
    const file = (await remoteIdentity(SHORT, lab?.opts)).tls.certFile;
    const x = new X509Certificate(await readFile(file));
    expect(s.core.fleet.cert(SHORT)).toEqual({
      notAfter: Date.parse(x.validTo),
      subject: x.subject,
      serial: x.serialNumber.toLowerCase(),
      sha256: sha256(x.raw),
    });
    expect(Date.parse(x.validTo) - Date.parse(x.validFrom)).toBe(5 * 86_400_000);
    const normal = s.core.fleet.get(NORMAL)?.certNotAfter ?? 0;
    expect(normal - Date.now()).toBeGreaterThan(800 * 86_400_000);
  }, 90_000);

  it('raises a cert-expiry alert for the short-lived certificate only, with its remote id', () => {
    const s = session as ProfileSession;
    s.alerts.evaluate();
    const remotes = certAlerts().filter((a) => a.remoteId !== null);
    expect(remotes).toEqual([
      expect.objectContaining({
        rule: 'cert-expiry',
        subject: `cert:${SHORT}`,
        remoteId: SHORT,
        state: 'firing',
        severity: 'warning',
        message: expect.stringMatching(
          new RegExp(`^the ${SHORT} certificate \\(the remote's hello\\) expires in [45] days`),
        ),
      }),
    ]);
    expect(certAlerts().some((a) => a.subject === `cert:${NORMAL}`)).toBe(false);
  });

  it('shows in `smt remotes --json`, from the hellos the profile remembers', async () => {
    const s = session as ProfileSession;
    // The CLI learns a remote's hello from the database (the session stores it within a second): a fresh
    // CLI session would ask for it only after the listing's wait for presence.
    await waitFor(
      'the hellos stored',
      () =>
        s.db
          .prepare<[], { hello: string }>('SELECT hello FROM remotes')
          .all()
          .filter((r) => r.hello.includes('"notAfter"')).length === 2,
      30_000,
    );
    const passphrase = await labConsolePassphrase(lab?.opts);
    const run = await runSmt(
      { lab: lab?.opts, db: join(dir, 'console.db'), passphrase },
      'remotes',
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const listed = JSON.parse(run.stdout) as { id: string; certNotAfter: string | null }[];
    const notAfter = (rid: string) => listed.find((r) => r.id === rid)?.certNotAfter;
    expect(notAfter(SHORT)).toBe(
      new Date((session as ProfileSession).core.fleet.get(SHORT)?.certNotAfter ?? 0).toISOString(),
    );
    expect(Date.parse(notAfter(NORMAL) ?? '')).toBeGreaterThan(Date.now() + 800 * 86_400_000);
  }, 90_000);

  it('refuses a hello whose certificate field is malformed, counted and logged with the field and why', async () => {
    const s = session as ProfileSession;
    const primary = lab?.brokers.find((b) => b.name === 'primary');
    const opened = await StompProbe.session({
      port: primary?.port ?? 0,
      tls: probeTls((await remoteIdentity(HOSTILE, lab?.opts)).tls),
    });
    probe = opened.probe;
    expect(opened.reply.command, opened.reply.headers.message).toBe('CONNECTED');
    const hello = makeEnvelope('hello', HOSTILE, {
      agent: { version: '0.2.0', mode: 'real' },
      host: { hostname: 'h', ips: [], serviceTag: '', os: '', kernel: '' },
      capabilities: [],
      tags: [],
      statsIntervalMs: 1000,
      presenceIntervalMs: 1000,
    });
    const bad = {
      ...hello,
      body: { ...hello.body, cert: { notAfter: 1, subject: 'CN=x', serial: 'xyz', sha256: 'AB:CD' } },
    };
    const sent = await probe.send(destinations.inventory(), JSON.stringify(bad));
    expect(sent.command, sent.headers.message).toBe('RECEIPT');
    await waitFor('the hello refused', () => (s.core.rejects().byRemote[HOSTILE] ?? 0) >= 1, 30_000);
    expect(s.core.fleet.get(HOSTILE)).toBeUndefined();
    const entry = logged.find((e) => e.remote === HOSTILE && e.reason === 'schema');
    expect(String(entry?.detail)).toMatch(
      /a certificate serial number in hex, at most 20 octets[\s\S]*body\.cert\.serial/,
    );
    expect(String(entry?.detail)).toMatch(/a SHA-256 hash in lower-case hex[\s\S]*body\.cert\.sha256/);
  }, 60_000);
});
