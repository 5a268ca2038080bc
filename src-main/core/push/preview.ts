import { sha256 } from '../../../src-node/crypto/sha256';
import { diffLines } from '../../../src-shared/config/line-diff';
import { comparableText } from '../../../src-shared/config/comparable-text';
import type { SelectableRemote } from '../../../src-shared/config/selector';
import { ServedConfig, type Body } from '../../../src-shared/protocol';
import {
  previewStatuses,
  type PreviewDiff,
  type PreviewEntry,
  type PreviewStatus,
  type PushPreview,
} from '../../../src-shared/push/preview';
import type { PreviewRequest } from '../../../src-shared/push/request';
import { mapBounded } from '../../../src-shared/util/map-bounded';
import { QueryTimeoutError } from '../queries';
import { parsePreviewRequest, planPush, type ParsedPreviewRequest } from './plan';
import type { ObjectRef } from '../store/push-store';
import { errorText } from '../../../src-shared/util/error-text';

export interface PreviewPort {
  /** ConsoleCore.query: the remote's reply, or QueryTimeoutError when it did not answer in time. */
  query(remoteId: string, body: Body<'query'>, opts: { timeoutMs: number }): Promise<Body<'reply'>>;
  remotes(): readonly SelectableRemote[];
  /** The highest version pushed for the object (PushStore.maxVersion), 0 if none. */
  maxVersion(object: ObjectRef): number;
}

export interface PreviewOptions {
  /** Remotes asked at once. */
  concurrency?: number;
  /** How long each remote has to answer. */
  timeoutMs?: number;
}

export const defaultPreviewOptions: Required<PreviewOptions> = { concurrency: 32, timeoutMs: 5_000 };

/** The proposed text in the form remotes answer the config query with (docs/agent.md). */
function proposedText(req: ParsedPreviewRequest): string | null {
  if (req.op === 'delete' || req.payload === undefined) return null;
  return comparableText(req.payload);
}

/** Names of the two sides of a diff, as `diff -u` headers show them. */
export function objectLabel(object: ObjectRef): string {
  return object.kind === 'zone' ? `zone ${object.name}` : `scope ${object.subnet}`;
}

/**
 * Asks every target what it serves now for the object (the `config` query, `concurrency` at a time,
 * each within `timeoutMs`) and says per remote what the push would do, with one diff per distinct served
 * text. Nothing is written or sent but queries. Throws PushRefused for a request the push would refuse,
 * a bad one included (it is parsed here: the CLI, a draft's check and tests have not).
 */
export async function previewPush(
  request: PreviewRequest,
  port: PreviewPort,
  options: PreviewOptions = {},
): Promise<PushPreview> {
  return await previewParsed(parsePreviewRequest(request), port, options);
}

/** `previewPush` of a request its boundary parsed already (the IPC contract): it is not parsed again. */
export async function previewParsed(
  req: ParsedPreviewRequest,
  port: PreviewPort,
  options: PreviewOptions = {},
): Promise<PushPreview> {
  const opts = { ...defaultPreviewOptions, ...options };
  const fleet = port.remotes();
  const { targets, unknown, version } = planPush(req, fleet, port.maxVersion(req.object));
  const offline = new Set(fleet.filter((r) => r.status === 'offline').map((r) => r.id));
  const proposed = proposedText(req);
  const proposedSha256 = proposed === null ? null : sha256(proposed);
  // Remotes that already serve the proposal leave the text out of their answer.
  const query: Body<'query'> = {
    query: 'config',
    object: req.object,
    ...(proposedSha256 === null ? {} : { unlessSha256: proposedSha256 }),
  };

  const diffs = new Map<string, PreviewDiff>();
  const diffFrom = (servedSha: string, served: string, remote: string): string => {
    let d = diffs.get(servedSha);
    if (d === undefined) {
      d = { servedSha256: servedSha, ...diffLines(served, proposed ?? ''), remotes: [] };
      diffs.set(servedSha, d);
    }
    d.remotes.push(remote);
    return servedSha;
  };

  const classify = (remote: string, served: ServedConfig): PreviewEntry => {
    const base = { remote, servedVersion: served.version, servedSha256: served.sha256, diff: null };
    if (!served.served || served.sha256 === null) {
      return { ...base, status: req.op === 'delete' ? 'absent' : 'new' };
    }
    if (served.sha256 === proposedSha256) return { ...base, status: 'unchanged' };
    if (served.text === null) {
      return { ...base, status: 'error', reason: 'the remote left its served text out of its answer' };
    }
    return {
      ...base,
      status: req.op === 'delete' ? 'removed' : 'changed',
      diff: diffFrom(served.sha256, served.text, remote),
    };
  };

  const ask = async (remote: string): Promise<PreviewEntry> => {
    const none = { remote, servedVersion: null, servedSha256: null, diff: null };
    if (offline.has(remote)) {
      return { ...none, status: 'unreachable', unreachable: 'offline', reason: 'offline in the fleet' };
    }
    let reply: Body<'reply'>;
    try {
      reply = await port.query(remote, query, { timeoutMs: opts.timeoutMs });
    } catch (e) {
      if (e instanceof QueryTimeoutError) {
        return { ...none, status: 'unreachable', unreachable: 'timeout', reason: e.message };
      }
      return { ...none, status: 'error', reason: errorText(e) };
    }
    if (!reply.ok) return { ...none, status: 'error', reason: reply.error };
    const served = ServedConfig.safeParse(reply.data);
    if (!served.success) {
      return {
        ...none,
        status: 'error',
        reason: `not a config answer: ${served.error.issues[0]?.message ?? ''}`,
      };
    }
    return classify(remote, served.data);
  };

  const remotes = await mapBounded(targets, opts.concurrency, ask);
  const counts = Object.fromEntries(previewStatuses.map((s) => [s, 0])) as Record<PreviewStatus, number>;
  for (const e of remotes) counts[e.status]++;
  for (const d of diffs.values()) d.remotes.sort();
  return {
    object: req.object,
    op: req.op,
    proposedVersion: version,
    proposedSha256,
    remotes,
    diffs: [...diffs.values()].sort(
      (a, b) => b.remotes.length - a.remotes.length || ((a.remotes[0] ?? '') < (b.remotes[0] ?? '') ? -1 : 1),
    ),
    counts,
    unknown,
    timeoutMs: opts.timeoutMs,
  };
}
