import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  TargetSelector,
  selectRemotes,
  unknownIds,
  type SelectableRemote,
} from '../../../src-shared/config/selector';
import { ConfigObject, ConfigPayload, type Body, type Envelope } from '../../../src-shared/protocol';
import {
  isRetryable,
  queued,
  resultEvent,
  type DeliveryEvent,
  type DeliveryState,
} from '../../../src-shared/push/delivery';
import { planRollout, type RolloutPlan, type RolloutStep } from '../../../src-shared/push/rollout';
import { summarize, type PushSummary } from '../../../src-shared/push/summary';
import { silentLog, type LogSink } from '../../../src-node/log';
import type { PushRecord, PushStore } from '../store/push-store';

export const PushRequest = z.object({
  object: ConfigObject,
  /** Omitted: one above the highest version ever pushed for this object. */
  version: z.number().int().positive().optional(),
  op: z.enum(['upsert', 'delete']).default('upsert'),
  payload: ConfigPayload.optional(),
  selector: TargetSelector,
  /** Send to the first `canary` targets first, and to the rest only when they all applied. */
  canary: z.number().int().positive().optional(),
  author: z.string().min(1, 'a push names its author').max(256),
});
export type PushRequest = z.input<typeof PushRequest>;

/** What a preview takes: a push request without what only sending needs (author, canary). */
export const PreviewRequest = PushRequest.pick({
  object: true,
  version: true,
  op: true,
  payload: true,
  selector: true,
});
export type PreviewRequest = z.input<typeof PreviewRequest>;

/** A push that cannot be made: nothing was written or sent. */
export class PushRefused extends Error {
  override name = 'PushRefused';
}

/**
 * The targets and version of a parsed request, or PushRefused saying why there are none: shared by the
 * push and its preview, so a preview shows exactly the remotes and version the push would take.
 */
export function planPush(
  req: z.output<typeof PushRequest> | z.output<typeof PreviewRequest>,
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

export interface PushCreated {
  push: PushRecord;
  /** Ids the selector named that the fleet does not know; they are not targets. */
  unknown: string[];
}

export interface PushProgress {
  pushId: string;
  state: PushRecord['state'];
  haltReason: string | null;
  summary: PushSummary;
  step: RolloutStep;
}

/** What the engine needs from the console: the signed, receipted send, and the fleet to select from. */
export interface PushPort {
  /** Resolves when the broker receipted the message (persisted in the remote's queue); rejects if not. */
  send(remoteId: string, body: Body<'config'>, smtId: string): Promise<void>;
  remotes(): readonly SelectableRemote[];
}

export interface PushEngineOptions {
  store: PushStore;
  port: PushPort;
  now?: () => number;
  log?: LogSink;
  /** Sends awaiting their receipt at once: enough to fill the pipe, few enough to keep the loop free. */
  concurrency?: number;
  /** Progress events per push at most this often. */
  progressIntervalMs?: number;
}

type ProgressListener = (p: PushProgress) => void;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Drives the pure delivery machine (src-shared/push) over the outbox: writes before it sends, sends with
 * bounded concurrency, turns receipts and results into stored transitions, resends what is queued after a
 * (re)connect with the same smt-id, and plans canary rollouts from the stored deliveries alone, so a
 * console constructed on an existing database goes on where the last one stopped.
 */
export class PushEngine {
  private readonly store: PushStore;
  private readonly port: PushPort;
  private readonly now: () => number;
  private readonly log: LogSink;
  private readonly concurrency: number;
  private readonly progressIntervalMs: number;
  /** Deliveries to send, by smt-id, in the order they were queued. */
  private readonly pending = new Map<string, { pushId: string; remoteId: string }>();
  private readonly inFlight = new Set<string>();
  private readonly records = new Map<string, PushRecord>();
  private readonly listeners = new Set<ProgressListener>();
  private readonly dirty = new Set<string>();
  private progressTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(opts: PushEngineOptions) {
    this.store = opts.store;
    this.port = opts.port;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? silentLog;
    this.concurrency = opts.concurrency ?? 64;
    this.progressIntervalMs = opts.progressIntervalMs ?? 200;
  }

  /**
   * Writes the push and its first deliveries (queued, each with a fresh smt-id) to the outbox, then
   * starts sending. Resolves once the outbox holds it, not when anything was sent.
   */
  push(request: PushRequest): PushCreated {
    const parsed = PushRequest.safeParse(request);
    if (!parsed.success) throw new PushRefused(`bad push: ${z.prettifyError(parsed.error)}`);
    const req = parsed.data;
    const { targets, unknown, version } = planPush(
      req,
      this.port.remotes(),
      this.store.maxVersion(req.object),
    );
    const at = this.now();
    const plan = planOf(req.canary ?? null);
    const id = crypto.randomUUID();
    const firstStep = planRollout(plan, targets, new Map());
    const first = firstStep.kind === 'send' ? firstStep.remotes : [];
    const created = this.store.createPush(
      {
        id,
        createdAt: at,
        author: req.author,
        object: req.object,
        version,
        op: req.op,
        ...(req.payload === undefined ? {} : { payload: req.payload }),
        payloadSha256: sha256(JSON.stringify(req.payload ?? null)),
        selector: req.selector,
        targets,
        canary: req.canary ?? null,
      },
      first.map((remoteId) => ({ remoteId, state: queued(crypto.randomUUID(), at) })),
    );
    for (const remoteId of first) this.enqueue(id, remoteId);
    this.changed(id);
    return { push: created, unknown };
  }

  /** Withdraws what no remote has yet (queued and sent become cancelled); remotes that have it win. */
  cancel(pushId: string, author: string): { cancelled: number } {
    const push = this.mustGet(pushId);
    const at = this.now();
    let cancelled = 0;
    for (const [remoteId, s] of this.store.deliveries(pushId)) {
      if (s.kind !== 'queued' && s.kind !== 'sent') continue;
      if (this.store.apply(pushId, remoteId, { type: 'cancel', at })) cancelled++;
      this.pending.delete(s.smtId);
    }
    this.store.setPushState(pushId, 'cancelled');
    this.store.audit({ at, actor: author, action: 'cancel', subject: push.id, detail: { cancelled } });
    this.changed(pushId);
    return { cancelled };
  }

  /** A new attempt (new smt-id) for every failed, rolled-back, expired or cancelled delivery. */
  retry(pushId: string, author: string): { retried: number } {
    const push = this.mustGet(pushId);
    const at = this.now();
    const again: string[] = [];
    for (const [remoteId, s] of this.store.deliveries(pushId)) {
      if (!isRetryable(s)) continue;
      if (this.store.apply(pushId, remoteId, { type: 'retry', smtId: crypto.randomUUID(), at })) {
        again.push(remoteId);
      }
    }
    if (again.length > 0) this.store.setPushState(pushId, 'open');
    this.store.audit({
      at,
      actor: author,
      action: 'retry',
      subject: push.id,
      detail: { retried: again.length },
    });
    for (const remoteId of again) this.enqueue(pushId, remoteId);
    // A retried canary lifts a halt: the planner waits on it and goes on once it applies.
    this.advance(pushId);
    this.changed(pushId);
    return { retried: again.length };
  }

  /** A result from a remote (the core's onResult); answers for other pushes' messages are ignored. */
  takeResult(env: Envelope<'result'>): void {
    const found = this.store.findBySmtId(env.body.ref);
    if (!found || found.remoteId !== env.from) return;
    const ev = resultEvent(env.body, this.now());
    if (!ev.ok) {
      this.log({ level: 'warn', msg: `result from ${env.from} not taken`, error: ev.error });
      return;
    }
    this.step(found.pushId, found.remoteId, ev.event);
  }

  /**
   * After every (re)connect, failover, and at start: what is still queued is sent again with the same
   * smt-id (an agent answers a copy that got through from its ledger). Sent ones are in the broker.
   */
  resendQueued(): void {
    for (const d of this.store.queued()) this.enqueue(d.pushId, d.remoteId, d.state.smtId);
    for (const p of this.store.pushes('open')) this.advance(p.id);
  }

  progress(pushId: string): PushProgress {
    const push = this.mustGet(pushId);
    const deliveries = this.store.deliveries(pushId);
    return {
      pushId,
      state: push.state,
      haltReason: push.haltReason,
      summary: summarize(push.targets, deliveries, this.now()),
      step: planRollout(planOf(push.canary), push.targets, deliveries),
    };
  }

  deliveries(pushId: string): Map<string, DeliveryState> {
    this.mustGet(pushId);
    return this.store.deliveries(pushId);
  }

  pushes(): PushRecord[] {
    return this.store.pushes();
  }

  onProgress(listener: ProgressListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Resolves when nothing is waiting to be sent or awaiting its receipt. */
  idle(): Promise<void> {
    if (this.pending.size === 0 && this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops sending and emitting; the outbox keeps what is not sent for the next engine. */
  close(): void {
    this.closed = true;
    this.pending.clear();
    clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    this.wakeIdle();
  }

  /**
   * The push as written (all but its state never change), read once: a large zone's payload is not
   * parsed again for each of its deliveries.
   */
  private record(pushId: string): PushRecord | undefined {
    let rec = this.records.get(pushId);
    if (!rec) {
      rec = this.store.push(pushId);
      if (rec) this.records.set(pushId, rec);
    }
    return rec;
  }

  private mustGet(pushId: string): PushRecord {
    const push = this.store.push(pushId);
    if (!push) throw new PushRefused(`no push ${pushId}`);
    return push;
  }

  private step(pushId: string, remoteId: string, event: DeliveryEvent): void {
    const moved = this.store.apply(pushId, remoteId, event);
    if (!moved) return;
    this.advance(pushId);
    this.changed(pushId);
  }

  /** Asks the planner what to do now and does it: start the next stage, record a halt, or finish. */
  private advance(pushId: string): void {
    const rec = this.record(pushId);
    const now = this.store.pushState(pushId);
    if (!rec || !now || now.state === 'cancelled') return;
    const push = { ...rec, ...now };
    if (push.canary === null) {
      // A plain push starts every target at once and never halts: counting is enough, and cheaper than
      // reading every delivery back on each of a large push's transitions.
      const state = this.store.undone(pushId) === 0 ? 'done' : 'open';
      if (push.state !== state) this.store.setPushState(pushId, state);
      return;
    }
    const deliveries = this.store.deliveries(pushId);
    const step = planRollout(planOf(push.canary), push.targets, deliveries);
    switch (step.kind) {
      case 'send': {
        const at = this.now();
        this.store.addDeliveries(
          pushId,
          step.remotes.map((remoteId) => ({ remoteId, state: queued(crypto.randomUUID(), at) })),
          at,
        );
        for (const remoteId of step.remotes) this.enqueue(pushId, remoteId);
        if (push.state !== 'open') this.store.setPushState(pushId, 'open');
        return;
      }
      case 'halted':
        if (push.state !== 'halted' || push.haltReason !== step.reason) {
          this.store.setPushState(pushId, 'halted', step.reason);
          this.log({ level: 'warn', msg: `push ${pushId} halted`, reason: step.reason });
        }
        return;
      case 'done':
        if (push.state !== 'done') this.store.setPushState(pushId, 'done');
        return;
      case 'wait':
        if (push.state !== 'open') this.store.setPushState(pushId, 'open');
        return;
    }
  }

  private enqueue(pushId: string, remoteId: string, smtId?: string): void {
    if (this.closed) return;
    const id = smtId ?? this.store.delivery(pushId, remoteId)?.smtId;
    if (!id || this.inFlight.has(id)) return;
    this.pending.set(id, { pushId, remoteId });
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.inFlight.size < this.concurrency && this.pending.size > 0) {
      const [smtId, d] = this.pending.entries().next().value as [
        string,
        { pushId: string; remoteId: string },
      ];
      this.pending.delete(smtId);
      this.inFlight.add(smtId);
      void this.sendOne(smtId, d.pushId, d.remoteId).finally(() => {
        this.inFlight.delete(smtId);
        this.pump();
        this.wakeIdle();
      });
    }
  }

  private async sendOne(smtId: string, pushId: string, remoteId: string): Promise<void> {
    const push = this.record(pushId);
    const state = this.store.delivery(pushId, remoteId);
    // Moved on meanwhile (a result overtook, a cancel, a retry with a new id): nothing to send.
    if (!push || state?.kind !== 'queued' || state.smtId !== smtId) return;
    const body: Body<'config'> = {
      pushId,
      object: push.object,
      version: push.version,
      op: push.op,
      ...(push.payload === undefined ? {} : { payload: push.payload }),
    };
    try {
      await this.port.send(remoteId, body, smtId);
    } catch (e) {
      // Stays queued: the next (re)connect sends it again with the same smt-id.
      this.log({ level: 'debug', msg: `config for ${remoteId} not receipted yet`, smtId, error: String(e) });
      return;
    }
    if (this.closed) return;
    this.step(pushId, remoteId, { type: 'sendReceipted', smtId, at: this.now() });
  }

  private changed(pushId: string): void {
    this.dirty.add(pushId);
    if (this.progressTimer || this.closed) return;
    this.progressTimer = setTimeout(() => this.flushProgress(), this.progressIntervalMs);
  }

  private flushProgress(): void {
    this.progressTimer = undefined;
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) {
      const p = this.progress(id);
      for (const l of this.listeners) {
        try {
          l(p);
        } catch (e) {
          this.log({ level: 'error', msg: 'push progress listener failed', error: String(e) });
        }
      }
    }
  }

  private wakeIdle(): void {
    if (this.pending.size > 0 || this.inFlight.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

const planOf = (canary: number | null): RolloutPlan =>
  canary === null ? { kind: 'all' } : { kind: 'canary', size: canary };
