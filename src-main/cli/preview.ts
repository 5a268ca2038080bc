import { renderUnified } from '../../src-shared/config/line-diff';
import type { PushPreview } from '../../src-shared/push/preview';
import { objectLabel, previewPush } from '../core/push/preview';
import type { PreviewRequest } from '../../src-shared/push/request';
import { PushRefused } from '../core/push/plan';
import { CliExit, Exit, type ExitCode } from './args';
import { table } from './format';
import type { Session } from './session';

/** Remotes named in a shared diff's header before the rest are counted: 500 ids help nobody. */
const NAMED_REMOTES = 10;

const detail = (r: PushPreview['remotes'][number], diffNo: Map<string, number>): string => {
  if (r.diff !== null) {
    const d = diffNo.get(r.diff);
    return d === undefined ? '' : `diff ${d}`;
  }
  return r.reason ?? '';
};

const names = (remotes: readonly string[]) =>
  remotes.length <= NAMED_REMOTES
    ? remotes.join(', ')
    : `${remotes.slice(0, NAMED_REMOTES).join(', ')} and ${remotes.length - NAMED_REMOTES} more`;

/** The one-line summary: what, which version, and the count of each class that occurs. */
export function previewSummary(p: PushPreview): string {
  const counts = Object.entries(p.counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  return `preview: ${p.op} ${objectLabel(p.object)} v${p.proposedVersion} on ${p.remotes.length} remotes: ${counts}`;
}

/**
 * `smt push … --preview` as text: the summary, one row per remote (status, served version, diff number or
 * reason), then each distinct diff once, headed by the remotes that share it.
 */
export function previewText(p: PushPreview): string {
  const diffNo = new Map(p.diffs.map((d, i) => [d.servedSha256, i + 1]));
  const rows = p.remotes.map((r) => [
    r.remote,
    r.status,
    r.servedVersion === null ? '-' : `v${r.servedVersion}`,
    detail(r, diffNo),
  ]);
  const parts = [previewSummary(p), table([['REMOTE', 'STATUS', 'SERVED', 'DETAIL'], ...rows])];
  if (p.unknown.length > 0) parts.push(`not in the fleet, not targeted: ${p.unknown.join(', ')}`);
  p.diffs.forEach((d, i) => {
    const what = objectLabel(p.object);
    const exact = d.exact ? '' : ' (too different for a line-by-line diff: shown as a whole replacement)';
    parts.push(
      `diff ${i + 1}: ${names(d.remotes)} (${d.remotes.length} remote${d.remotes.length === 1 ? '' : 's'}), +${d.added} -${d.removed}${exact}\n` +
        renderUnified(d, {
          before: `${what} (served)`,
          after: `${what} v${p.proposedVersion} (proposed)`,
        }).trimEnd(),
    );
  });
  return parts.join('\n\n');
}

/** 0 when every target said what it serves; 7 when some could not (unreachable or error). */
export function previewExit(p: PushPreview): { code: ExitCode; reason: string } {
  const missing = p.counts.unreachable + p.counts.error;
  if (missing === 0) return { code: Exit.ok, reason: previewSummary(p) };
  const first = p.remotes.find((r) => r.status === 'unreachable' || r.status === 'error');
  return {
    code: Exit.incomplete,
    reason: `preview incomplete: ${missing} of ${p.remotes.length} remotes could not say what they serve (${first?.remote ?? ''}: ${first?.reason ?? first?.status ?? ''})`,
  };
}

/**
 * Runs the preview on the session's core and database and prints it (text or --json); resolves 0, or
 * throws CliExit 7 after printing when some targets could not answer, 2 for a push that would be refused.
 */
export async function runPreview(
  session: Session,
  request: PreviewRequest,
  opts: { timeoutMs: number; json: boolean },
): Promise<ExitCode> {
  let preview: PushPreview;
  try {
    preview = await previewPush(
      request,
      {
        query: (rid, body, q) => session.core.query(rid, body, q),
        remotes: () => session.core.fleet.selectable(),
        maxVersion: (object) => session.push.store.maxVersion(object),
      },
      { timeoutMs: opts.timeoutMs },
    );
  } catch (e) {
    if (e instanceof PushRefused) throw new CliExit(Exit.usage, e.message);
    throw e;
  }
  const result = previewExit(preview);
  process.stdout.write(
    `${opts.json ? JSON.stringify({ ...preview, exitCode: result.code }, null, 2) : previewText(preview)}\n`,
  );
  if (result.code !== Exit.ok) throw new CliExit(result.code, result.reason);
  return Exit.ok;
}
