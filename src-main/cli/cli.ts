/**
 * `smt`: the headless console for scripts and operators without a display (docs/cli.md). It runs the
 * same core, profile and database as the desktop app; stdout carries the result (text or --json), stderr
 * the one-line reason of a non-zero exit and the --wait progress line on a terminal.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { selectRemotes, type SelectableRemote, type TargetSelector } from '../../src-shared/config/selector';
import { usageText } from '../../src-node/command-line';
import type { ObjectView } from '../../src-shared/ipc/inventory-views';
import type { PushRequest } from '../../src-shared/push/request';
import {
  ActionRefused,
  NothingToReconcile,
  historyIn,
  planReconcile,
  planRevert,
} from '../core/inventory/plan-actions';
import { intendedScope, planReservations } from '../core/inventory/plan-reservations';
import type { RefreshOutcome } from '../core/inventory/attach';
import {
  applyReservationChange,
  ReservationChangeError,
  type ReservationChange,
} from '../../src-shared/config/reservations';
import { PushRefused } from '../core/push/plan';
import { objectLabel } from '../core/push/preview';
import type { PushProgress } from '../core/push/progress-feed';
import { CliExit, Exit, parseCli, usage, type Command, type ExitCode, type Globals } from './args';
import {
  ackExit,
  ackText,
  alertsJson,
  alertsText,
  cancelText,
  deliveriesJson,
  deliveriesText,
  driftExit,
  driftJson,
  driftText,
  isSettled,
  objectsJson,
  poolsJson,
  poolsText,
  objectsText,
  outcome,
  progressLine,
  remotesJson,
  remotesText,
  timedOut,
} from './format';
import { findExit, findText } from './find-format';
import { scopePayload, zonePayload } from './payload';
import { findNameIn } from '../core/service/dns-handlers';
import { leaseSearchExit, leaseSearchJson, leaseSearchText } from './lease-format';
import { searchLeases } from '../core/leases/lease-search';
import { runPreview } from './preview';
import { haExit, haJson, haText } from './ha-format';
import { SelectionWait, needsLiveStatus } from './selection-wait';
import { openSession, resolveProfile, until, type Session } from './session';
import { basename, extname, resolve } from 'node:path';
import { AlertStore } from '../core/store/alert-store';
import { openDatabase } from '../core/store/database';
import { defaultDatabaseFile } from '../core/store/default-database';
import { errorText } from '../../src-shared/util/error-text';

/** How long the fleet may take to say hello before a command works on what it knows. */
const FLEET_DEADLINE_MS = 10_000;
/** A usage message needs two readings of the agent's usage interval: allow a few of them. */
const POOLS_DEADLINE_MS = 30_000;
/**
 * The selection is taken as known once it stopped changing for this long: longer than the agents' presence
 * interval (2 s by default), so a remote whose hello came first from the queue is seen online by its next
 * presence, not listed as `unknown` (seen with 1 s: a connected remote listed `unknown` on a busy machine).
 */
const FLEET_SETTLE_MS = 2_500;
/** Each remote's named answers a lookup in milliseconds; one that does not in 5 s is reported as failed. */
const FIND_TIMEOUT_MS = 5_000;
/** How often `--wait` reads the outbox for results another console on the profile took. */
const PROGRESS_POLL_MS = 500;

const out = (text: string) => process.stdout.write(`${text}\n`);
const json = (value: unknown) => out(JSON.stringify(value, null, 2));

/**
 * The remotes the selector picks, once the fleet knows them: at once when the remembered fleet answers,
 * else after a bounded wait for hellos and, when the selection needs it, for live status (SelectionWait).
 */
async function knownTargets(
  session: Session,
  selector: TargetSelector,
  live = needsLiveStatus(selector),
): Promise<SelectableRemote[]> {
  const fleet = () => session.core.fleet.selectable();
  const wait = new SelectionWait(selector, {
    live,
    remembered: session.push.fleet.remembered,
    settleMs: FLEET_SETTLE_MS,
  });
  if (!wait.ready(fleet(), Date.now())) {
    process.stderr.write('smt: waiting for the fleet to report…\n');
    await until(() => wait.ready(fleet(), Date.now()), FLEET_DEADLINE_MS);
  }
  const selected = new Set(selectRemotes(selector, fleet()));
  return fleet().filter((r) => selected.has(r.id));
}

/**
 * Pools and HA are live only: waits (bounded) until every online DHCP remote's usage message was seen,
 * as `seen(remoteId)` tells.
 */
async function dhcpUsage(session: Session, seen: (remoteId: string) => boolean, what: string): Promise<void> {
  const remotes = await knownTargets(session, { kind: 'filter', status: 'any' }, true);
  const dhcp = remotes.filter((r) => r.status === 'online' && r.capabilities.includes('dhcp4'));
  const reported = () => dhcp.every((r) => seen(r.id));
  if (!reported()) {
    process.stderr.write(`smt: waiting for the DHCP remotes to report ${what}…\n`);
    await until(reported, POOLS_DEADLINE_MS);
  }
}

/**
 * Who is online now, and what each of them serves: fresh even when another process of the profile read
 * the inventories (drift, find, reconcile, revert and reservations start from it).
 */
async function freshInventory(session: Session): Promise<RefreshOutcome> {
  await knownTargets(session, { kind: 'filter', status: 'any' }, true);
  return session.inventory.refresh();
}

async function run(globals: Globals, command: Command): Promise<ExitCode> {
  if (command.kind === 'push') return push(globals, command);
  if (command.kind === 'reconcile' || command.kind === 'revert') return reconcileOrRevert(globals, command);
  if (command.kind === 'reservation') return reservation(globals, command);
  if (command.kind === 'alerts' || command.kind === 'ack') return alerts(globals, command);
  const session = await openSession(globals);
  try {
    const { engine, store } = session.push;
    switch (command.kind) {
      case 'remotes': {
        // The listing shows status: worth the brief wait for this session's presence.
        const remotes = await knownTargets(session, { kind: 'filter', status: 'any' }, true);
        const rows = remotes.map((r) => {
          const view = session.core.fleet.get(r.id);
          return { ...r, lastSeen: view?.lastSeen ?? null, certNotAfter: view?.certNotAfter ?? null };
        });
        if (globals.json) json(remotesJson(rows, Date.now()));
        else out(remotesText(rows, Date.now()));
        return Exit.ok;
      }
      case 'objects': {
        const view = session.inventory.objects();
        if (globals.json) json(objectsJson(view));
        else out(objectsText(view));
        return Exit.ok;
      }
      case 'pools': {
        await dhcpUsage(
          session,
          (rid) => session.pools.tracker.list({ remoteId: rid }).total > 0,
          'their pools',
        );
        const view = session.pools.tracker.list();
        if (globals.json) json(poolsJson(view));
        else out(poolsText(view));
        return Exit.ok;
      }
      case 'ha': {
        // A remote without HA reports its pools only: either tells that its usage came.
        await dhcpUsage(
          session,
          (rid) =>
            session.pools.tracker.list({ remoteId: rid }).total > 0 ||
            session.ha.tracker.list({ remoteId: rid }).pairs.length > 0,
          'their usage',
        );
        const view = session.ha.tracker.list();
        if (globals.json) json(haJson(view));
        else out(haText(view));
        return haExit(view);
      }
      case 'drift': {
        const refresh = await freshInventory(session);
        const view = session.inventory.objects();
        if (globals.json) json(driftJson(view, refresh, Date.now()));
        else out(driftText(view, refresh, Date.now()));
        return driftExit(view);
      }
      case 'find': {
        // Who serves which zone comes from the inventories.
        await freshInventory(session);
        const view = await findNameIn(session, command, FIND_TIMEOUT_MS);
        if (globals.json) json(view);
        else out(findText(view));
        return findExit(view);
      }
      case 'leases-find': {
        // Only online remotes answer: wait for this session's presence, as drift does.
        await knownTargets(session, { kind: 'filter', status: 'any' }, true);
        const link = session.core.connectionStatus().state.kind;
        if (link !== 'connected') throw new CliExit(Exit.connect, `no broker is connected (${link})`);
        const view = await searchLeases(session.core, command.query, { timeoutMs: command.timeoutMs });
        if (globals.json) json(leaseSearchJson(view));
        else out(leaseSearchText(view));
        return leaseSearchExit(view);
      }
      case 'deliveries':
      case 'cancel':
      case 'retry': {
        if (store.push(command.pushId) === undefined) {
          throw new CliExit(Exit.usage, `no push ${command.pushId} in ${session.dbFile}`);
        }
        if (command.kind === 'cancel') return await cancel(session, command.pushId, globals.json);
        if (command.kind === 'retry') out(`retried ${engine.retry(command.pushId, author()).retried}`);
        if (command.kind === 'deliveries') {
          const p = engine.progress(command.pushId);
          const d = engine.deliveries(command.pushId);
          if (globals.json)
            json({
              pushId: p.pushId,
              state: p.state,
              haltReason: p.haltReason,
              deliveries: deliveriesJson(d),
            });
          else out(deliveriesText(d));
        }
        await engine.idle();
        return Exit.ok;
      }
    }
  } finally {
    await session.close();
  }
}

/** Exit 0 once everything withdrawable was; 3 when the broker session ended before it could be. */
async function cancel(session: Session, pushId: string, asJson: boolean): Promise<ExitCode> {
  const { engine } = session.push;
  const o = await engine.cancel(pushId, author());
  if (asJson) json({ pushId, state: engine.progress(pushId).state, ...o });
  else out(cancelText(o));
  await engine.idle();
  if (o.unreachable > 0) {
    throw new CliExit(
      Exit.connect,
      `${o.unreachable} sent deliveries not withdrawn: the broker session ended; run \`smt cancel ${pushId}\` again`,
    );
  }
  return Exit.ok;
}

async function push(globals: Globals, command: Extract<Command, { kind: 'push' }>): Promise<ExitCode> {
  let text: string;
  try {
    text = await readFile(command.file, 'utf8');
  } catch (e) {
    throw new CliExit(Exit.usage, `cannot read ${command.file}: ${errorText(e)}`);
  }
  const loaded =
    command.what === 'zone'
      ? zonePayload(text, command.zone, command.file)
      : scopePayload(text, command.file);
  const session = await openSession(globals);
  try {
    return await pushOrPreview(session, globals, { ...loaded, selector: command.to }, command);
  } finally {
    await session.close();
  }
}

/** What `smt push`, `reconcile` and `revert` send (or only preview): a push request without its author. */
type Outgoing = Omit<PushRequest, 'author' | 'canary' | 'expiresAt' | 'selector'> & {
  selector: TargetSelector;
};

async function pushOrPreview(
  session: Session,
  globals: Globals,
  request: Outgoing,
  command: { preview?: true; wait: boolean; timeoutMs: number; canary?: number; expiresMs?: number },
): Promise<ExitCode> {
  const { engine } = session.push;
  const targets = await knownTargets(session, request.selector);
  if (targets.length === 0) {
    throw new CliExit(Exit.timeout, `no remote matching --to known after ${FLEET_DEADLINE_MS / 1000} s`);
  }
  if (command.preview) {
    return await runPreview(session, request, { timeoutMs: command.timeoutMs, json: globals.json });
  }
  let created;
  try {
    created = engine.push({
      ...request,
      ...(command.canary === undefined ? {} : { canary: command.canary }),
      ...(command.expiresMs === undefined ? {} : { expiresAt: Date.now() + command.expiresMs }),
      author: author(),
    });
  } catch (e) {
    if (e instanceof PushRefused) throw new CliExit(Exit.usage, e.message);
    throw e;
  }
  const { push: record, unknown } = created;
  if (unknown.length > 0)
    process.stderr.write(`smt: not in the fleet, not targeted: ${unknown.join(', ')}\n`);
  if (!command.wait) {
    await engine.idle();
    if (globals.json) json({ pushId: record.id, version: record.version, targets: record.targets, unknown });
    else out(record.id);
    return Exit.ok;
  }
  const final = await waitSettled(session, record.id, command.timeoutMs);
  const deliveries = engine.deliveries(record.id);
  const result = outcome(final, deliveries);
  if (globals.json) {
    json({
      pushId: record.id,
      version: record.version,
      targets: record.targets,
      unknown,
      state: final.state,
      haltReason: final.haltReason,
      counts: final.summary.counts,
      exitCode: result.code,
      reason: result.reason,
      deliveries: deliveriesJson(deliveries),
    });
  } else out(record.id);
  if (result.code !== Exit.ok) throw new CliExit(result.code, result.reason);
  process.stderr.write(`smt: ${result.reason}\n`);
  return Exit.ok;
}

/**
 * `smt reconcile` and `smt revert`: the served inventory refreshed from the online remotes, the push
 * planned as the desktop console plans it (docs/reconcile.md), then previewed or sent like `smt push`.
 * Nothing to reconcile exits 0, so a script can run it on a schedule.
 */
async function reconcileOrRevert(
  globals: Globals,
  command: Extract<Command, { kind: 'reconcile' | 'revert' }>,
): Promise<ExitCode> {
  const session = await openSession(globals);
  try {
    await freshInventory(session);
    const view = session.inventory.object(command.key);
    if (!view) {
      throw new CliExit(
        Exit.usage,
        `no ${command.key} in the served inventory: this profile never pushed it and no online remote serves it`,
      );
    }
    const history = historyIn(session.push.store, view.object);
    let planned;
    try {
      planned =
        command.kind === 'revert'
          ? planRevert(view, history, command.toVersion ?? 0)
          : planReconcile(view, history, await reconcileTargets(session, view, command.to));
    } catch (e) {
      if (e instanceof NothingToReconcile) {
        process.stderr.write(`smt: ${e.message}\n`);
        return Exit.ok;
      }
      if (e instanceof ActionRefused) throw new CliExit(Exit.usage, e.message);
      throw e;
    }
    process.stderr.write(`smt: ${planned.summary}\n`);
    // A plan names its targets by id: the selector is exactly its remoteIds.
    const request = { ...planned.request, selector: { kind: 'ids' as const, ids: planned.remoteIds } };
    return await pushOrPreview(session, globals, request, command);
  } finally {
    await session.close();
  }
}

/**
 * `smt reservation add|edit|delete`: the scope's intended version with the change, planned as the
 * Reservations editor plans it (docs/reservations.md), then previewed or sent like `smt push`. A
 * reservation that collides is refused with its message before anything is sent.
 */
async function reservation(
  globals: Globals,
  command: Extract<Command, { kind: 'reservation' }>,
): Promise<ExitCode> {
  const session = await openSession(globals);
  try {
    await freshInventory(session);
    const view = session.inventory.object(command.key);
    if (!view) {
      throw new CliExit(
        Exit.usage,
        `no ${command.key} in the served inventory: this profile never pushed it`,
      );
    }
    const history = historyIn(session.push.store, view.object);
    let planned;
    try {
      const current = intendedScope(view, history);
      const list = current.scope.reservations;
      const was = list.find((r) => r.hwAddress.toLowerCase() === command.mac.toLowerCase());
      const hostname = command.hostname ?? (command.op === 'edit' ? was?.hostname : undefined);
      const next = {
        ipAddress: command.ip ?? was?.ipAddress ?? '',
        hwAddress: command.mac,
        ...(hostname === undefined || hostname === '' ? {} : { hostname }),
      };
      const change: ReservationChange =
        command.op === 'add'
          ? { op: 'add', reservation: next }
          : command.op === 'edit'
            ? { op: 'edit', hwAddress: command.mac, reservation: next }
            : { op: 'delete', hwAddress: command.mac };
      planned = planReservations(view, history, {
        baseVersion: current.version,
        reservations: applyReservationChange(list, change),
        allowInPool: command.allowInPool,
      });
    } catch (e) {
      if (e instanceof ActionRefused || e instanceof ReservationChangeError)
        throw new CliExit(Exit.usage, e.message);
      throw e;
    }
    process.stderr.write(`smt: ${planned.summary}\n`);
    const request = { ...planned.request, selector: { kind: 'ids' as const, ids: planned.remoteIds } };
    return await pushOrPreview(session, globals, request, command);
  } finally {
    await session.close();
  }
}

/**
 * `--to` of a reconcile: remote ids are taken as named (each must be drifted or missing, else the plan
 * says which is not); a tag, capability or status selector narrows the drifted and missing remotes.
 */
async function reconcileTargets(
  session: Session,
  view: ObjectView,
  to: TargetSelector | undefined,
): Promise<string[] | undefined> {
  if (to === undefined) return undefined;
  if (to.kind === 'ids') return to.ids;
  const selected = new Set((await knownTargets(session, to)).map((r) => r.id));
  const ids = view.remotes
    .filter((r) => (r.state === 'drifted' || r.state === 'missing') && selected.has(r.remoteId))
    .map((r) => r.remoteId);
  if (ids.length === 0) {
    throw new CliExit(Exit.usage, `no drifted or missing remote of ${objectLabel(view.object)} matches --to`);
  }
  return ids;
}

/**
 * Resolves with the settled progress; a TTY sees one line updated in place. Exit 6 on the deadline.
 * Besides this engine's events, the outbox is read every PROGRESS_POLL_MS: another console on the profile
 * (the desktop app, the browser host) shares the result queue, may take the results and writes them to
 * the same database, and this process then hears of them only there.
 */
async function waitSettled(session: Session, pushId: string, timeoutMs: number): Promise<PushProgress> {
  const { engine } = session.push;
  const tty = process.stderr.isTTY;
  const show = (p: PushProgress) => {
    if (tty) process.stderr.write(`\r\x1b[2K${progressLine(p)}`);
  };
  let off: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  try {
    const settled = await new Promise<PushProgress | undefined>((resolveSettled) => {
      const check = (p: PushProgress) => {
        show(p);
        if (isSettled(p)) resolveSettled(p);
      };
      off = engine.onProgress((p) => {
        if (p.pushId === pushId) check(p);
      });
      timer = setTimeout(() => resolveSettled(undefined), timeoutMs);
      timer.unref();
      poll = setInterval(() => check(engine.progress(pushId)), PROGRESS_POLL_MS);
      check(engine.progress(pushId));
    });
    if (tty) process.stderr.write('\n');
    if (settled === undefined) throw timedOut(engine.progress(pushId), timeoutMs / 1000);
    return settled;
  } finally {
    clearTimeout(timer);
    clearInterval(poll);
    off();
  }
}

/**
 * `smt alerts` and `smt ack` read and write the profile's database only: the alerts are raised by the
 * desktop console or the browser host that runs on the profile (docs/alerts.md); no broker, no passphrase.
 */
async function alerts(
  globals: Globals,
  command: Extract<Command, { kind: 'alerts' | 'ack' }>,
): Promise<ExitCode> {
  const { profile } = resolveProfile(globals);
  const dbFile = globals.db === undefined ? defaultDatabaseFile(profile) : resolve(globals.db);
  // Opening would create it: a mistyped --db must not list "no alerts" from a new empty database.
  if (!existsSync(dbFile)) throw new CliExit(Exit.usage, `no console database at ${dbFile}`);
  const db = openDatabase(dbFile);
  try {
    const store = new AlertStore(db, basename(profile, extname(profile)));
    if (command.kind === 'ack') {
      const outcome = store.ack(command.ids, author(), command.comment, Date.now());
      if (globals.json) json(outcome);
      else out(ackText(outcome));
      return ackExit(outcome);
    }
    const states = command.firing ? (['firing'] as const) : (['firing', 'acknowledged'] as const);
    const view = { alerts: store.list(states, 10_000), firing: store.firingCount(), generatedAt: Date.now() };
    if (globals.json) json(alertsJson(view));
    else out(alertsText(view, Date.now()));
    return Exit.ok;
  } finally {
    db.close();
  }
}

function author(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the push is still attributed to the CLI.
  }
  return `${user} (smt)`;
}

async function main(argv: string[]): Promise<ExitCode> {
  if (argv.length === 1 && ['--help', '-h', 'help'].includes(argv[0] ?? '')) {
    out(usage);
    return Exit.ok;
  }
  let invocation;
  try {
    invocation = parseCli(argv);
  } catch (e) {
    if (e instanceof CliExit) process.stderr.write(usageText('smt', usage, e));
    else throw e;
    return e.code;
  }
  return run(invocation.globals, invocation.command);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof CliExit) {
        process.stderr.write(`smt: ${e.message}\n`);
        process.exit(e.code);
      }
      process.stderr.write(`smt: ${errorText(e)}\n`);
      process.exit(Exit.error);
    },
  );
}
