import { formatAge } from '../../src-shared/duration';
import type { SelectableRemote } from '../../src-shared/config/selector';
import type { DeliveryState } from '../../src-shared/push/delivery';
import type { PushProgress } from '../core/push/progress-feed';
import type { CancelOutcome } from '../core/push/withdrawal';
import { CliExit, Exit, type ExitCode } from './args';

/** A remote as `smt remotes` lists it: its selection facts, and when the console last heard it. */
export type ListedRemote = SelectableRemote & { lastSeen: number | null };

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
    }));
}

export function remotesText(remotes: readonly ListedRemote[], now: number): string {
  const rows = remotesJson(remotes, now).map((r) => [
    r.id,
    r.status,
    r.lastSeen === null ? 'never' : formatAge(Date.parse(r.lastSeen), now),
    r.hostname,
    r.capabilities.join(','),
    r.tags.join(','),
  ]);
  return table([['REMOTE', 'STATUS', 'LAST SEEN', 'HOSTNAME', 'CAPABILITIES', 'TAGS'], ...rows]);
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
