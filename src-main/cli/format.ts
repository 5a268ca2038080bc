import { formatAge } from '../../src-shared/duration';
import type { PoolsView } from '../../src-shared/ipc/pool-views';
import type { SelectableRemote } from '../../src-shared/config/selector';
import type { DeliveryState } from '../../src-shared/push/delivery';
import {
  syncStates,
  type ObjectView,
  type ObjectsView,
  type SyncState,
} from '../../src-shared/ipc/inventory-views';
import type { AlertsView } from '../../src-shared/ipc/alert-views';
import type { AckResult } from '../core/store/alert-store';
import type { RefreshOutcome } from '../core/inventory/attach';
import type { PushProgress } from '../core/push/progress-feed';
import type { CancelOutcome } from '../core/push/withdrawal';
import { CliExit, Exit, type ExitCode } from './args';

/**
 * A remote as `smt remotes` lists it: its selection facts, when the console last heard it, and when its
 * certificate expires as its hello said (null: not reported).
 */
export type ListedRemote = SelectableRemote & { lastSeen: number | null; certNotAfter: number | null };

/** `smt remotes --json`: one object per remote, in id order (docs/cli.md). */
export function remotesJson(remotes: readonly ListedRemote[], now: number) {
  return [...remotes]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((r) => ({
      id: r.id,
      hostname: r.hostname,
      status: r.status,
      capabilities: [...r.capabilities],
      tags: [...r.tags],
      lastSeen: r.lastSeen === null ? null : new Date(r.lastSeen).toISOString(),
      lastSeenAgeS: r.lastSeen === null ? null : Math.max(0, Math.floor((now - r.lastSeen) / 1000)),
      certNotAfter: r.certNotAfter === null ? null : new Date(r.certNotAfter).toISOString(),
    }));
}

export function remotesText(remotes: readonly ListedRemote[], now: number): string {
  const rows = remotesJson(remotes, now).map((r) => [
    r.id,
    r.status,
    r.lastSeen === null ? 'never' : formatAge(Date.parse(r.lastSeen), now),
    r.certNotAfter === null ? '-' : r.certNotAfter.slice(0, 10),
    r.hostname,
    r.capabilities.join(','),
    r.tags.join(','),
  ]);
  return table([
    ['REMOTE', 'STATUS', 'LAST SEEN', 'CERT EXPIRES', 'HOSTNAME', 'CAPABILITIES', 'TAGS'],
    ...rows,
  ]);
}

/** `smt deliveries --json` rows, and the per-remote part of `smt push --json`. */
export function deliveriesJson(deliveries: ReadonlyMap<string, DeliveryState>) {
  return [...deliveries]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([remote, s]) => ({
      remote,
      state: s.kind,
      smtId: s.smtId,
      ...('reason' in s && s.reason !== undefined ? { reason: s.reason } : {}),
    }));
}

export function deliveriesText(deliveries: ReadonlyMap<string, DeliveryState>): string {
  const rows = deliveriesJson(deliveries).map((d) => [d.remote, d.state, d.reason ?? '']);
  return table([['REMOTE', 'STATE', 'REASON'], ...rows]);
}

/** `smt cancel`'s line: what was withdrawn, and what remotes have and will apply. */
export function cancelText(o: CancelOutcome): string {
  const parts = [`cancelled ${o.cancelled}`];
  if (o.withRemote > 0) {
    parts.push(
      o.withRemote === 1
        ? '1 already with its remote (it will apply it)'
        : `${o.withRemote} already with their remotes (they will apply it)`,
    );
  }
  if (o.unreachable > 0) parts.push(`${o.unreachable} not withdrawn: no broker session`);
  return parts.join('; ');
}

/** The `--wait` progress line: applied / waiting / failed of all targets. */
export function progressLine(p: PushProgress): string {
  const c = p.summary.counts;
  const failed = c.failed + c['rolled-back'];
  const waiting = p.summary.total - p.summary.done;
  return `push ${p.pushId}: ${c.applied}/${p.summary.total} applied, ${waiting} waiting, ${failed} failed`;
}

/** Whether a waited-on push is over: every target done, or the rollout halted, or it was cancelled. */
export const isSettled = (p: PushProgress) =>
  p.summary.isComplete || p.state === 'halted' || p.state === 'cancelled';

/** What a settled push means for the exit code: 0 only when every target applied. */
export function outcome(
  p: PushProgress,
  deliveries: ReadonlyMap<string, DeliveryState>,
): { code: ExitCode; reason: string } {
  if (p.state === 'halted')
    return { code: Exit.halted, reason: `canary halted: ${p.haltReason ?? 'no reason given'}` };
  const notApplied = deliveriesJson(deliveries).filter((d) => d.state !== 'applied');
  const held = p.summary.counts.held;
  if (notApplied.length === 0 && held === 0) {
    return { code: Exit.ok, reason: `all ${p.summary.total} applied` };
  }
  const first = notApplied[0];
  const detail = first
    ? `${first.remote} ${first.state}${first.reason ? `: ${first.reason}` : ''}`
    : `${held} held`;
  return {
    code: Exit.failed,
    reason: `${notApplied.length + held} of ${p.summary.total} not applied (${detail})`,
  };
}

export function timedOut(p: PushProgress, seconds: number): CliExit {
  return new CliExit(Exit.timeout, `timed out after ${seconds} s: ${progressLine(p)}`);
}

/** Columns padded to their widest cell, two spaces apart. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
const ageS = (at: number | null, now: number) =>
  at === null ? null : Math.max(0, Math.floor((now - at) / 1000));
const nameOf = (o: ObjectView['object']) => (o.kind === 'zone' ? o.name : o.subnet);
const short = (sha: string | null) => (sha === null ? '-' : sha.slice(0, 12));

/** `smt objects --json`: each object with what the console intends and how many remotes are in each state. */
export function objectsJson(view: ObjectsView) {
  return view.objects.map((o) => ({
    key: o.key,
    kind: o.object.kind,
    name: nameOf(o.object),
    intended:
      o.intended === null
        ? null
        : {
            version: o.intended.version,
            op: o.intended.op,
            sha256: o.intended.sha256,
            pushId: o.intended.pushId,
            at: iso(o.intended.at),
          },
    versions: o.versions,
    counts: o.counts,
  }));
}

export function objectsText(view: ObjectsView): string {
  if (view.objects.length === 0)
    return 'no zones or scopes: this profile pushed none and no remote reported any';
  const rows = objectsJson(view).map((o) => [
    o.kind,
    o.name,
    o.intended === null ? '-' : `v${o.intended.version}${o.intended.op === 'delete' ? ' (delete)' : ''}`,
    ...syncStates.map((s) => String(o.counts[s] ?? 0)),
  ]);
  return table([['KIND', 'NAME', 'INTENDED', ...syncStates.map((s) => s.toUpperCase())], ...rows]);
}

/** One (object, remote) of `smt drift`. */
export function driftRows(
  view: ObjectsView,
  now: number,
  states: readonly SyncState[] = ['drifted', 'missing'],
) {
  return view.objects.flatMap((o) =>
    o.remotes
      .filter((r) => o.intended !== null && states.includes(r.state))
      .map((r) => ({
        key: o.key,
        remoteId: r.remoteId,
        state: r.state,
        intendedVersion: o.intended?.version ?? null,
        intendedSha256: o.intended?.sha256 ?? null,
        servedVersion: r.servedVersion,
        servedSha256: r.servedSha256,
        serial: r.serial,
        since: iso(r.since),
        sinceAgeS: ageS(r.since, now),
        reportedAt: iso(r.reportedAt),
        reportedAgeS: ageS(r.reportedAt, now),
        note: r.note,
      })),
  );
}

/** `smt drift --json`: what the refresh got, then the drifted and missing pairs, then the unknown ones. */
export function driftJson(view: ObjectsView, refresh: RefreshOutcome, now: number) {
  return {
    generatedAt: iso(view.generatedAt),
    refresh,
    driftedRemotes: view.driftedRemotes,
    drift: driftRows(view, now),
    unknown: driftRows(view, now, ['unknown']),
  };
}

export function driftText(view: ObjectsView, refresh: RefreshOutcome, now: number): string {
  const lines: string[] = [];
  const refreshed = `asked ${refresh.asked.length} online remotes, ${refresh.stored} answered`;
  lines.push(
    refresh.failed.length === 0
      ? refreshed
      : `${refreshed}, ${refresh.failed.length} did not (${refresh.failed.map((f) => f.remoteId).join(', ')})`,
  );
  const drift = driftRows(view, now);
  if (drift.length === 0) lines.push('no drift: every remote that reported serves what the console intends');
  else {
    lines.push(
      table([
        ['OBJECT', 'REMOTE', 'STATE', 'INTENDED', 'SERVED', 'SERIAL', 'SERVED SINCE', 'REPORTED'],
        ...drift.map((d) => [
          d.key,
          d.remoteId,
          d.state,
          `v${d.intendedVersion ?? '-'} ${short(d.intendedSha256)}`,
          d.servedSha256 === null
            ? '-'
            : `${d.servedVersion === null ? '' : `v${d.servedVersion} `}${short(d.servedSha256)}`,
          d.serial === null ? '-' : String(d.serial),
          d.since === null ? '-' : formatAge(Date.parse(d.since), now),
          formatAge(d.reportedAt === null ? null : Date.parse(d.reportedAt), now),
        ]),
      ]),
    );
  }
  const unknown = driftRows(view, now, ['unknown']);
  if (unknown.length > 0) {
    lines.push(`${unknown.length} unknown (not counted as drift):`);
    for (const u of unknown) lines.push(`  ${u.key} on ${u.remoteId}: ${u.note ?? 'unknown'}`);
  }
  return lines.join('\n');
}

/** 1 when some remote is drifted or missing, 0 otherwise; unknown does not fail. */
export const driftExit = (view: ObjectsView): ExitCode =>
  view.driftedRemotes.length > 0 ? Exit.drift : Exit.ok;

/** `smt alerts --json`: the alerts newest first, times as ISO strings (docs/cli.md). */
export function alertsJson(view: AlertsView) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    firing: view.firing,
    alerts: view.alerts.map((a) => ({
      id: a.id,
      rule: a.rule,
      severity: a.severity,
      state: a.state,
      subject: a.subject,
      remoteId: a.remoteId,
      message: a.message,
      value: a.value,
      firedAt: iso(a.firedAt),
      acknowledgedAt: iso(a.acknowledgedAt),
      acknowledgedBy: a.acknowledgedBy,
      comment: a.comment,
      resolvedAt: iso(a.resolvedAt),
    })),
  };
}

export function alertsText(view: AlertsView, now: number): string {
  if (view.alerts.length === 0) return 'no alerts';
  const rows = view.alerts.map((a) => [
    a.id,
    a.severity,
    a.state === 'acknowledged' ? `acknowledged by ${a.acknowledgedBy ?? '?'}` : a.state,
    formatAge(a.firedAt, now),
    a.rule,
    a.message,
  ]);
  return `${table([['ID', 'SEVERITY', 'STATE', 'FIRED', 'RULE', 'MESSAGE'], ...rows])}\n${view.firing} firing`;
}

export function ackText(outcome: AckResult): string {
  const lines = outcome.acknowledged.map((id) => `acknowledged ${id}`);
  for (const r of outcome.refused) lines.push(`refused ${r.id}: ${r.reason}`);
  return lines.join('\n');
}

/** 0 when every alert named was acknowledged; `failed` when any was refused (the others still are). */
export const ackExit = (outcome: AckResult): ExitCode => (outcome.refused.length > 0 ? Exit.failed : Exit.ok);
/** `smt pools --json`: the PoolsView rows (src-shared/ipc/pool-views.ts) with times as ISO text. */
export function poolsJson(view: PoolsView) {
  return view.pools.map((p) => ({
    remoteId: p.remoteId,
    subnetId: p.subnetId,
    subnet: p.subnet ?? null,
    pool: p.pool ?? null,
    total: p.total,
    assigned: p.assigned,
    declined: p.declined,
    utilisationPct: Math.round(p.utilisationPct * 10) / 10,
    ratePctPerHour: p.ratePctPerHour === null ? null : Math.round(p.ratePctPerHour * 100) / 100,
    forecastHours: p.forecastHours === null ? null : Math.round(p.forecastHours * 10) / 10,
    reportedAt: new Date(p.reportedAt).toISOString(),
    stale: p.stale,
  }));
}

export function poolsText(view: PoolsView): string {
  if (view.pools.length === 0)
    return 'no DHCP pools: no online DHCP remote reported Kea statistics (docs/dhcp.md says what Kea must load)';
  const rows = poolsJson(view).map((p) => [
    p.remoteId,
    p.subnet ?? `id ${p.subnetId}`,
    p.pool ?? '-',
    String(p.total),
    String(p.assigned),
    String(p.declined),
    `${p.utilisationPct.toFixed(1)}%`,
    p.ratePctPerHour === null ? '-' : `${p.ratePctPerHour >= 0 ? '+' : ''}${p.ratePctPerHour}%/h`,
    p.forecastHours === null ? '-' : p.forecastHours === 0 ? 'full' : `${p.forecastHours} h`,
    p.stale ? 'stale' : '',
  ]);
  return table([
    ['REMOTE', 'SUBNET', 'POOL', 'TOTAL', 'ASSIGNED', 'DECLINED', 'USED', 'TREND', 'FULL IN', ''],
    ...rows,
  ]);
}
