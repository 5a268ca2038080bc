import { z } from 'zod';
import { sha256 } from '../../../src-node/crypto/sha256';
import { selectRemotes, unknownIds, type SelectableRemote } from '../../../src-shared/config/selector';
import type { RolloutPlan } from '../../../src-shared/push/rollout';
import { PreviewRequest, PushRequest } from '../../../src-shared/push/request';
import type { PushRecord } from '../store/push-store';

/** A push that cannot be made: nothing was written or sent. */
export class PushRefused extends Error {
  override name = 'PushRefused';
}

/** A push request as its boundary (the IPC contract, the CLI) parsed it: the engine does not again. */
export type ParsedPushRequest = z.output<typeof PushRequest>;
export type ParsedPreviewRequest = z.output<typeof PreviewRequest>;

function parsed<S extends z.ZodType>(schema: S, request: z.input<S>): z.output<S> {
  const r = schema.safeParse(request);
  if (!r.success) throw new PushRefused(`bad push: ${z.prettifyError(r.error)}`);
  return r.data;
}

/** For a boundary that has no schema of its own (the CLI, a draft, a test): PushRefused when it is bad. */
export const parsePushRequest = (request: PushRequest): ParsedPushRequest => parsed(PushRequest, request);
export const parsePreviewRequest = (request: PreviewRequest): ParsedPreviewRequest =>
  parsed(PreviewRequest, request);

/**
 * The targets and version of a parsed request, or PushRefused saying why there are none: shared by the
 * push and its preview, so a preview shows exactly the remotes and version the push would take.
 */
export function planPush(
  req: ParsedPushRequest | ParsedPreviewRequest,
  fleet: readonly SelectableRemote[],
  latestVersion: number,
): { targets: string[]; unknown: string[]; version: number } {
  if (req.op === 'upsert' && req.payload === undefined)
    throw new PushRefused('an upsert push carries a payload');
  const targets = selectRemotes(req.selector, fleet);
  const unknown = unknownIds(req.selector, fleet);
  if (targets.length === 0) {
    throw new PushRefused(
      unknown.length > 0
        ? `no target: the fleet does not know ${unknown.join(', ')}`
        : 'no remote matches the selection',
    );
  }
  if (req.version !== undefined && req.version <= latestVersion) {
    throw new PushRefused(
      `version ${req.version} is not above version ${latestVersion}, already pushed for this ${req.object.kind}; ` +
        'agents would report it superseded (omit the version to take the next one)',
    );
  }
  return { targets, unknown, version: req.version ?? latestVersion + 1 };
}

/** A push's deadline must be ahead of it: one already past would expire everything unsent. */
export function refuseDeadlinePassed(expiresAt: number | undefined, now: number): void {
  if (expiresAt !== undefined && expiresAt <= now) {
    throw new PushRefused(
      `the deadline ${new Date(expiresAt).toISOString()} is not in the future (now ${new Date(now).toISOString()})`,
    );
  }
}

/** The rollout plan a push's stored canary size stands for. */
export const rolloutPlanOf = (canary: number | null): RolloutPlan =>
  canary === null ? { kind: 'all' } : { kind: 'canary', size: canary };

/** The push as the outbox writes it; `version` is chosen at the write (another console may take one first). */
export function newPush(
  req: ParsedPushRequest,
  p: { id: string; at: number; targets: string[]; version: number },
): Omit<PushRecord, 'seq' | 'state' | 'haltReason'> {
  return {
    id: p.id,
    createdAt: p.at,
    author: req.author,
    object: req.object,
    version: p.version,
    op: req.op,
    ...(req.payload === undefined ? {} : { payload: req.payload }),
    payloadSha256: sha256(JSON.stringify(req.payload ?? null)),
    selector: req.selector,
    targets: p.targets,
    canary: req.canary ?? null,
    expiresAt: req.expiresAt ?? null,
  };
}
