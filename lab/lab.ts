/**
 * The lab: a local primary/secondary ActiveMQ pair over mutual TLS with its PKI and allowlist.
 * The programmatic API used by the CLI, the agent simulator, the console host, tests and the demo.
 * Layout of a lab dir: docs/lab.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import {
  ConsoleProfile,
  RemoteIdentity,
  type BrokerEndpoint,
  type SigningFiles,
  type TlsFiles,
} from '../src-shared/profile';
import { RemoteId } from '../src-shared/protocol/ids';
import { passphraseSealer, sealPrivateKey, type KeyPolicy, type KeySealer } from '../src-node/secrets';
import { loadTlsMaterial, type TlsMaterial } from '../src-node/tls';
import { parseUsers, renderGroups, renderUsers, withRemotes, type Allowlist, type Role } from './allowlist';
import {
  logTail,
  runningPid,
  signal,
  startBroker,
  stopPid,
  tlsAccepts,
  waitGone,
  type ClientTls,
} from './brokers';
import { markChangedForReload, writeAtomic } from './files';
import { withLock } from './lock';
import { brokerNames, brokerTemplates, labLayout, repoRoot, type BrokerName, type LabLayout } from './paths';
import {
  ensureBrokerStores,
  ensurePki,
  issueClientCerts,
  issueFlawed,
  issueUnlisted,
  type CertFlaw,
  labConsoleId,
  makeForeignIdentity as makeForeign,
} from './pki';
import { ensurePluginJar } from './plugin-build';
import { pidAlive } from './process';
import { ensureState, readState, requireState, type LabState } from './state';

export interface LabOptions {
  dir?: string;
}

export interface BrokerStatus {
  name: 'primary' | 'secondary';
  url: string;
  host: string;
  port: number;
  pid: number | null;
  role: 'active' | 'standby' | 'down';
}

export { labConsoleId };
export type { BrokerName, CertFlaw };

const defaultHeapMb = 256;
const startTimeoutMs = 90_000;

export function labDir(opts?: LabOptions): string {
  return resolve(opts?.dir ?? process.env.SMT_LAB_DIR ?? join(repoRoot, '.lab'));
}

const layoutOf = (opts?: LabOptions) => labLayout(labDir(opts));

export function consoleProfilePath(opts?: LabOptions): string {
  return layoutOf(opts).consoleProfile;
}

/** The console's TLS files (the same ones console-profile.json names). */
export function consoleTlsFiles(opts?: LabOptions): TlsFiles {
  const l = layoutOf(opts);
  return { caFile: l.caCrt, certFile: l.consoleCrt, keyFile: l.consoleKey };
}

/** The lab's config signing key and certificate (the ones console-profile.json names under signing). */
export function labSignerFiles(opts?: LabOptions): SigningFiles {
  const l = layoutOf(opts);
  return { certFile: l.signerCrt, keyFile: l.signerKey };
}

/** The lab console profile's name, to which its sealed keys are bound. */
export const labProfileName = 'SMT Lab';

/**
 * The passphrase of this lab's sealed console keys: random per lab dir, in a 0600 file beside the
 * profile, so the demo and tests can start a console unattended. A lab convenience only: a real
 * console's passphrase is typed by its admin (docs/security.md).
 */
export async function labConsolePassphrase(opts?: LabOptions): Promise<string> {
  const file = layoutOf(opts).consolePassphrase;
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`no console passphrase in ${file}: run \`npm run lab -- up\` first`);
    }
    throw e;
  }
}

/** What opens the lab console's sealed keys: ConsoleCore's `sealers` option. */
export async function labConsoleSealers(opts?: LabOptions): Promise<KeySealer[]> {
  return [passphraseSealer(await labConsolePassphrase(opts))];
}

/** The key policy for loading the lab console's keys directly (loadTlsMaterial, loadConfigSigner). */
export async function labConsoleKeys(opts?: LabOptions): Promise<KeyPolicy> {
  return { sealed: true, profile: labProfileName, sealers: await labConsoleSealers(opts) };
}

/** The lab console's TLS material with its key unsealed in memory (for raw test clients and status). */
export async function labConsoleTls(opts?: LabOptions): Promise<TlsMaterial> {
  return loadTlsMaterial(consoleTlsFiles(opts), new Date(), await labConsoleKeys(opts));
}

async function ensureConsolePassphrase(layout: LabLayout): Promise<string> {
  const current = await readFile(layout.consolePassphrase, 'utf8').catch(() => undefined);
  if (current?.trim()) return current.trim();
  const passphrase = randomBytes(24).toString('base64url');
  await writeAtomic(layout.consolePassphrase, `${passphrase}\n`, 0o600);
  return passphrase;
}

/** What an agent of this lab lists in trustedSigners, and what simulated remotes trust. */
export function labSignerCertFile(opts?: LabOptions): string {
  return layoutOf(opts).signerCrt;
}

function endpoints(state: LabState): BrokerEndpoint[] {
  return brokerNames.map((name) => ({ name, host: state.host, port: state.ports[name] }));
}

const brokerUrl = (host: string, port: number) => `stomp+ssl://${host}:${port}`;

async function readAllowlist(layout: LabLayout): Promise<Allowlist> {
  let text: string;
  try {
    text = await readFile(layout.usersFile, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { consoles: new Set(), remotes: new Set() };
    throw e;
  }
  return parseUsers(text, layout.usersFile);
}

/**
 * Groups first, users second when adding (a login never finds a user without its group); users first
 * when removing (a revoked name stops authenticating before it loses its group).
 */
async function writeAllowlist(layout: LabLayout, allow: Allowlist, order: 'add' | 'remove'): Promise<void> {
  const files: [string, string][] = [
    [layout.groupsFile, renderGroups(allow)],
    [layout.usersFile, renderUsers(allow)],
  ];
  if (order === 'remove') files.reverse();
  for (const [file, text] of files) {
    await writeAtomic(file, text);
    await markChangedForReload(file);
  }
}

async function writeIfChanged(path: string, text: string, mode?: number): Promise<void> {
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current !== text) await writeAtomic(path, text, mode);
}

/** Everything but the processes: state, PKI, broker stores, conf, allowlist, console profile. Caller holds the lock. */
async function prepare(layout: LabLayout): Promise<LabState> {
  await mkdir(layout.conf, { recursive: true });
  const state = await ensureState(layout);
  const sealer = passphraseSealer(await ensureConsolePassphrase(layout));
  await ensurePki(layout, (pem, purpose) =>
    sealPrivateKey(pem, { purpose, profile: labProfileName }, sealer),
  );
  await ensureBrokerStores(layout, state.storePassword);
  for (const file of brokerTemplates.files) {
    await writeIfChanged(join(layout.conf, file), await readFile(join(brokerTemplates.conf, file), 'utf8'));
  }
  await writeIfChanged(layout.secretsFile, `smt.storePassword=${state.storePassword}\n`, 0o600);
  const allow = await readAllowlist(layout);
  if (!allow.consoles.has(labConsoleId)) {
    await writeAllowlist(layout, { consoles: new Set([labConsoleId]), remotes: allow.remotes }, 'add');
  }
  const profile = ConsoleProfile.parse({
    name: labProfileName,
    consoleId: labConsoleId,
    brokers: endpoints(state),
    tls: consoleTlsFiles({ dir: layout.dir }),
    signing: labSignerFiles({ dir: layout.dir }),
  });
  await writeIfChanged(layout.consoleProfile, `${JSON.stringify(profile, null, 2)}\n`);
  return state;
}

async function consoleTls(layout: LabLayout): Promise<ClientTls> {
  const m = await labConsoleTls({ dir: layout.dir });
  return { ca: Buffer.from(m.ca), cert: Buffer.from(m.cert), key: Buffer.from(m.key) };
}

async function statusOf(layout: LabLayout, state: LabState, tls: ClientTls): Promise<BrokerStatus[]> {
  return Promise.all(
    brokerNames.map(async (name): Promise<BrokerStatus> => {
      const port = state.ports[name];
      const pid = await runningPid(layout, name);
      const role = pid === null ? 'down' : (await tlsAccepts(state.host, port, tls)) ? 'active' : 'standby';
      return { name, url: brokerUrl(state.host, port), host: state.host, port, pid, role };
    }),
  );
}

export async function labStatus(opts?: LabOptions): Promise<BrokerStatus[]> {
  const layout = layoutOf(opts);
  const state = await requireState(layout);
  return statusOf(layout, state, await consoleTls(layout));
}

/** Polls until check() gives a value; fails early, with its log, when the watched broker dies meanwhile. */
async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  watch?: { layout: LabLayout; name: BrokerName; pid: number },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (watch && !pidAlive(watch.pid)) {
      throw new Error(
        `${watch.name} broker (pid ${watch.pid}) exited while waiting for ${what}:\n${await logTail(watch.layout, watch.name)}`,
      );
    }
    if (Date.now() > deadline) {
      const tail = watch ? `\n${await logTail(watch.layout, watch.name)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${tail}`);
    }
    await delay(100);
  }
}

/** The standby writes this once it is queued behind the active broker's store lock. */
const slaveModePattern = /slave mode|locked by another/i;

async function logSize(file: string): Promise<number> {
  return readFile(file).then(
    (b) => b.length,
    () => 0,
  );
}

/**
 * Starts what is not running (also a broker killed earlier): the primary first, then, once a broker
 * accepts TLS, the secondary, which queues behind the store lock as standby. Idempotent.
 */
export async function labUp(opts?: LabOptions & { heapMb?: number }): Promise<BrokerStatus[]> {
  const heapMb = z
    .number()
    .int()
    .min(64)
    .max(8192)
    .parse(opts?.heapMb ?? defaultHeapMb);
  const layout = layoutOf(opts);
  await mkdir(layout.dir, { recursive: true });
  return withLock(layout.lockFile, async () => {
    const state = await prepare(layout);
    const jar = await ensurePluginJar();
    const tls = await consoleTls(layout);
    const active = async () => (await statusOf(layout, state, tls)).find((b) => b.role === 'active');

    let pid = await runningPid(layout, 'primary');
    if (pid === null) {
      pid = await startBroker(layout, state, 'primary', heapMb, jar);
    }
    await waitFor('a broker to accept TLS', active, startTimeoutMs, { layout, name: 'primary', pid });

    if ((await runningPid(layout, 'secondary')) === null) {
      const log = layout.broker('secondary').activemqLog;
      const from = await logSize(log);
      const secondary = await startBroker(layout, state, 'secondary', heapMb, jar);
      const standbyOrActive = async () => {
        const text = (await readFile(log).catch(() => Buffer.alloc(0))).subarray(from).toString('utf8');
        if (slaveModePattern.test(text)) return true;
        return (await tlsAccepts(state.host, state.ports.secondary, tls)) ? true : undefined;
      };
      await waitFor('the secondary to wait as standby', standbyOrActive, startTimeoutMs, {
        layout,
        name: 'secondary',
        pid: secondary,
      });
    }
    return statusOf(layout, state, tls);
  });
}

/** Stops exactly the brokers up started (by recorded PID; standby first so nothing fails over), removes the pid files. */
export async function labDown(opts?: LabOptions): Promise<void> {
  const layout = layoutOf(opts);
  // No lab there: nothing was started. A corrupt state.json, though, is an error, not "nothing to stop".
  const state = await readState(layout);
  if (!state) return;
  await withLock(layout.lockFile, async () => {
    const statuses = await consoleTls(layout)
      .then((tls) => statusOf(layout, state, tls))
      .catch(() => undefined);
    const order = statuses
      ? [...statuses]
          .sort((a, b) => Number(a.role === 'active') - Number(b.role === 'active'))
          .map((s) => s.name)
      : brokerNames;
    for (const name of order) {
      const pid = await runningPid(layout, name);
      if (pid !== null) await stopPid(pid);
      await rm(layout.broker(name).pidFile, { force: true });
    }
  });
}

/** SIGKILL, as a crash would; returns the PID it killed once that process is gone. */
export async function killBroker(name: 'primary' | 'secondary', opts?: LabOptions): Promise<number> {
  const layout = layoutOf(opts);
  const pid = await runningPid(layout, z.enum(['primary', 'secondary']).parse(name));
  if (pid === null) throw new Error(`the ${name} broker is not running in ${layout.dir}`);
  signal(pid, 'SIGKILL');
  if (!(await waitGone(pid, 10_000))) throw new Error(`${name} broker (pid ${pid}) survived SIGKILL`);
  await rm(layout.broker(name).pidFile, { force: true });
  return pid;
}

export async function waitForActiveBroker(opts?: LabOptions & { timeoutMs?: number }): Promise<BrokerStatus> {
  const layout = layoutOf(opts);
  const state = await requireState(layout);
  const tls = await consoleTls(layout);
  return waitFor(
    'a broker to accept TLS',
    async () => (await statusOf(layout, state, tls)).find((b) => b.role === 'active'),
    opts?.timeoutMs ?? 60_000,
  );
}

function parseRemoteIds(rids: readonly string[]): string[] {
  const bad = rids.flatMap((rid) => {
    const r = RemoteId.safeParse(rid);
    return r.success ? [] : [`"${rid}": ${r.error.issues.map((i) => i.message).join('; ')}`];
  });
  if (bad.length) throw new Error(`invalid remote id${bad.length > 1 ? 's' : ''}: ${bad.join(', ')}`);
  if (rids.includes(labConsoleId))
    throw new Error(`"${labConsoleId}" is the lab console's name, not a remote id`);
  return [...new Set(rids)];
}

async function fileExists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    () => false,
  );
}

/**
 * Admits remotes: issues the certificates that are missing (in parallel), then adds every name to
 * users.properties and groups.properties in one atomic write each. The brokers pick it up at the next
 * login, without a restart.
 */
export async function provision(rids: string[], opts?: LabOptions): Promise<void> {
  const ids = parseRemoteIds(rids);
  if (ids.length === 0) return;
  const layout = layoutOf(opts);
  await mkdir(layout.dir, { recursive: true });
  await withLock(layout.lockFile, async () => {
    await prepare(layout);
    const missing: string[] = [];
    for (const rid of ids) {
      if (!(await fileExists(layout.remoteCrt(rid))) || !(await fileExists(layout.remoteKey(rid))))
        missing.push(rid);
    }
    await issueClientCerts(
      layout,
      missing.map((name) => ({
        name,
        role: 'remotes' as Role,
        crt: layout.remoteCrt(name),
        key: layout.remoteKey(name),
      })),
    );
    const allow = await readAllowlist(layout);
    if (ids.some((rid) => !allow.remotes.has(rid))) {
      await writeAllowlist(layout, withRemotes(allow, ids), 'add');
    }
  });
}

/**
 * Admits an extra console identity (CN=<name>, OU=consoles) beside the lab console, issuing its
 * certificate under pki/consoles/ when missing: for tests of what a console's certificate may do and of
 * revoking one. Its key is plain, unlike the lab console's: a test identity, never a console profile.
 */
export async function provisionConsole(name: string, opts?: LabOptions): Promise<TlsFiles> {
  const [id] = parseRemoteIds([name]) as [string];
  const layout = layoutOf(opts);
  await mkdir(layout.dir, { recursive: true });
  return withLock(layout.lockFile, async () => {
    await prepare(layout);
    const files = {
      caFile: layout.caCrt,
      certFile: layout.extraConsoleCrt(id),
      keyFile: layout.extraConsoleKey(id),
    };
    const allow = await readAllowlist(layout);
    if (allow.remotes.has(id)) throw new Error(`${id} is provisioned as a remote in ${layout.dir}`);
    if (!(await fileExists(files.certFile)) || !(await fileExists(files.keyFile))) {
      await mkdir(dirname(files.certFile), { recursive: true, mode: 0o700 });
      await issueClientCerts(layout, [
        { name: id, role: 'consoles', crt: files.certFile, key: files.keyFile },
      ]);
    }
    if (!allow.consoles.has(id)) {
      await writeAllowlist(
        layout,
        { consoles: new Set([...allow.consoles, id]), remotes: allow.remotes },
        'add',
      );
    }
    return files;
  });
}

/**
 * Removes a remote, or an extra console, from the allowlist. New logins fail at once; the identity plugin
 * closes its live connections within about a second. Its certificate files stay, so provisioning it again
 * re-admits it. The lab console itself is not revocable here: every up and provision admits it again.
 */
export async function revoke(name: string, opts?: LabOptions): Promise<void> {
  const [id] = parseRemoteIds([name]) as [string];
  const layout = layoutOf(opts);
  await requireState(layout);
  await withLock(layout.lockFile, async () => {
    const allow = await readAllowlist(layout);
    if (allow.remotes.has(id)) {
      await writeAllowlist(layout, withRemotes(allow, [], [id]), 'remove');
    } else if (allow.consoles.has(id)) {
      const consoles = new Set(allow.consoles);
      consoles.delete(id);
      await writeAllowlist(layout, { consoles, remotes: allow.remotes }, 'remove');
    } else {
      throw new Error(`${id} is not provisioned in ${layout.dir}`);
    }
  });
}

/** Remote ids currently in the allowlist, sorted. */
export async function provisionedRemotes(opts?: LabOptions): Promise<string[]> {
  return [...(await readAllowlist(layoutOf(opts))).remotes].sort();
}

/**
 * Identities for many remotes, provisioning the missing ones in one batch (what a simulator of N remotes
 * wants). With provision:false nothing is written, and only a missing certificate is an error: a revoked
 * remote still gets its identity, so tests can watch the broker refuse it.
 */
export async function remoteIdentities(
  rids: string[],
  opts?: LabOptions & { provision?: boolean },
): Promise<RemoteIdentity[]> {
  const ids = parseRemoteIds(rids);
  const layout = layoutOf(opts);
  const allow = await readAllowlist(layout);
  const unready: string[] = [];
  for (const rid of ids) {
    if (!allow.remotes.has(rid) || !(await fileExists(layout.remoteCrt(rid)))) unready.push(rid);
  }
  if (unready.length > 0) {
    if (opts?.provision === false) {
      const noCert: string[] = [];
      for (const rid of unready) if (!(await fileExists(layout.remoteCrt(rid)))) noCert.push(rid);
      if (noCert.length > 0) throw new Error(`not provisioned in ${layout.dir}: ${noCert.join(', ')}`);
    } else {
      await provision(unready, opts);
    }
  }
  const state = await requireState(layout);
  return ids.map((remoteId) =>
    RemoteIdentity.parse({
      remoteId,
      brokers: endpoints(state),
      tls: {
        caFile: layout.caCrt,
        certFile: layout.remoteCrt(remoteId),
        keyFile: layout.remoteKey(remoteId),
      },
    }),
  );
}

export async function remoteIdentity(
  rid: string,
  opts?: LabOptions & { provision?: boolean },
): Promise<RemoteIdentity> {
  const [identity] = await remoteIdentities([rid], opts);
  return identity as RemoteIdentity;
}

/**
 * For negative tests: a certificate from the lab CA that is NOT in the allowlist (written under
 * <lab>/pki/unlisted/ unless outDir is given). The lab must have been prepared (up or provision) first.
 */
export async function issueUnprovisionedCert(
  name: string,
  opts?: LabOptions & { role?: Role; outDir?: string },
): Promise<TlsFiles> {
  const layout = layoutOf(opts);
  await requireState(layout);
  return issueUnlisted(
    layout,
    RemoteId.parse(name),
    opts?.role ?? 'remotes',
    opts?.outDir ?? layout.unlistedDir,
  );
}

/** For negative tests: a foreign CA and a client certificate from it that mimics lab identity `name`. */
export async function makeForeignIdentity(
  outDir: string,
  name: string,
  role: Role = 'remotes',
): Promise<TlsFiles> {
  return makeForeign(outDir, RemoteId.parse(name), role);
}

/**
 * For negative tests: a certificate from the lab CA for `name` (provisioned or not) with `flaw`, under
 * <lab>/pki/flawed/ unless outDir is given. The lab must have been prepared (up or provision) first.
 */
export async function issueFlawedCert(
  name: string,
  flaw: CertFlaw,
  opts?: LabOptions & { role?: Role; outDir?: string },
): Promise<TlsFiles> {
  const layout = layoutOf(opts);
  await requireState(layout);
  return issueFlawed(
    layout,
    RemoteId.parse(name),
    opts?.role ?? 'remotes',
    flaw,
    opts?.outDir ?? layout.flawedDir,
  );
}
