import type { LeaseSearchView } from '../../src-shared/ipc/lease-views';
import { Exit, type ExitCode } from './args';
import { table } from './format';

/** `smt leases find --json`: the search as sent, every lease with its remote, and who did not answer. */
export function leaseSearchJson(view: LeaseSearchView) {
  return {
    ...view,
    results: view.results.map((r) => ({
      ...r,
      expiresAt: r.expiresAt === null ? null : new Date(r.expiresAt).toISOString(),
    })),
  };
}

export function leaseSearchText(view: LeaseSearchView): string {
  const lines: string[] = [];
  if (view.results.length === 0)
    lines.push(`no lease with ${view.by} ${view.value} on ${view.asked.length} remote(s) asked`);
  else {
    const rows = view.results.map((r) => [
      r.remoteId,
      r.subnet ?? (r.subnetId === null ? '-' : `id ${r.subnetId}`),
      r.ipAddress,
      r.hwAddress ?? '-',
      r.clientId ?? '-',
      r.hostname ?? '-',
      r.state,
      r.expiresAt === null ? '-' : new Date(r.expiresAt).toISOString(),
    ]);
    lines.push(
      table([['REMOTE', 'SUBNET', 'IP', 'MAC', 'CLIENT ID', 'HOSTNAME', 'STATE', 'EXPIRES'], ...rows]),
    );
  }
  for (const f of view.failed) lines.push(`${f.remoteId}: no answer: ${f.error}`);
  for (const id of view.truncated)
    lines.push(`${id}: more leases than one answer carries; only the first are shown`);
  if (view.offline.length > 0) lines.push(`not asked (not online): ${view.offline.join(', ')}`);
  return lines.join('\n');
}

/** 0 when a lease was found; 1 when none was and every remote asked answered; 7 when some could not. */
export function leaseSearchExit(view: LeaseSearchView): ExitCode {
  if (view.results.length > 0) return Exit.ok;
  return view.failed.length > 0 ? Exit.incomplete : Exit.error;
}
