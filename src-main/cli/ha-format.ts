import type { HaView } from '../../src-shared/ipc/ha-views';
import { Exit, type ExitCode } from './args';
import { table } from './format';

/** `smt ha --json`: every pair with its verdict and sides, times as ISO strings (docs/cli.md). */
export function haJson(view: HaView) {
  return view.pairs.map((p) => ({
    pair: p.name,
    mode: p.mode ?? null,
    verdict: p.verdict,
    detail: p.detail,
    remoteId: p.remoteId,
    sides: p.sides.map((s) => ({
      remoteId: s.remoteId,
      server: s.relationship?.server ?? null,
      partner: s.relationship?.partner ?? null,
      unreadable: s.unreadable ?? null,
      reportedAt: new Date(s.reportedAt).toISOString(),
      stale: s.stale,
    })),
  }));
}

export function haText(view: HaView): string {
  if (view.pairs.length === 0)
    return 'no Kea HA: no online DHCP remote reported the HA hook (docs/dhcp.md, "HA", says what Kea must load)';
  const rows = view.pairs.flatMap((p) =>
    p.sides.map((s, i) => {
      const r = s.relationship;
      const partner = r?.partner;
      return [
        i === 0 ? p.name : '',
        i === 0 ? p.verdict : '',
        s.remoteId,
        r?.server.name ?? '-',
        r?.server.role ?? '-',
        s.unreadable !== undefined ? 'unreadable' : (r?.server.state ?? '-'),
        partner ? `${partner.lastState}${partner.communicationInterrupted ? ' (interrupted)' : ''}` : '-',
        partner ? `${partner.ageS} s` : '-',
        s.stale ? 'stale' : '',
      ];
    }),
  );
  const details = view.pairs.map((p) => `${p.name}: ${p.detail}`);
  return `${table([
    ['PAIR', 'VERDICT', 'REMOTE', 'SERVER', 'ROLE', 'STATE', 'PARTNER SEEN', 'CONTACT', ''],
    ...rows,
  ])}\n${details.join('\n')}`;
}

/** 1 when a pair has a partner down or disagrees; waiting states and unknown pairs do not fail. */
export const haExit = (view: HaView): ExitCode =>
  view.pairs.some((p) => p.verdict === 'partner-down' || p.verdict === 'disagree') ? Exit.error : Exit.ok;
