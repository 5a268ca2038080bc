import { createHash } from 'node:crypto';
import { z } from 'zod';
import { selectRemotes, unknownIds, type SelectableRemote } from '../../../src-shared/config/selector';
import type { Body, Envelope } from '../../../src-shared/protocol';
import {
  isRetryable,
  queued,
  resultEvent,
  type DeliveryEvent,
  type DeliveryState,
} from '../../../src-shared/push/delivery';
import { planRollout, type RolloutPlan, type RolloutStep } from '../../../src-shared/push/rollout';
import { PushRequest, type PreviewRequest } from '../../../src-shared/push/request';
import { summarize, type PushSummary } from '../../../src-shared/push/summary';
import { silentLog, type LogSink } from '../../../src-node/log';
import { turnBatcher } from '../../../src-node/turn-batch';
import { VersionTakenError, type PushRecord, type PushStore } from '../store/push-store';
import { StoreUnwritableError } from '../store/unwritable';

export { PushRequest, PreviewRequest } from '../../../src-shared/push/request';

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

/** What cancel and expiry did to the deliveries they found queued or sent. */
export interface WithdrawOutcome {
  /** Now cancelled (or expired): withdrawn from the broker, or never receipted by it. */
  ended: number;
  /** Sent, and not in the broker's queue any more: the remote has it and will apply it (its report wins). */
  withRemote: number;
  /** Sent, but the console had no broker session to withdraw them: they stay sent. */
  unreachable: number;
}

export interface CancelOutcome {
  cancelled: number;
  withRemote: number;
  unreachable: number;
}

/** What the engine needs from the console: the signed, receipted send, withdrawal, and the fleet. */
export interface PushPort {
  /**
   * Resolves when the broker receipted the message (persisted in the remote's queue); rejects if not.
   * `expiresAt`: the broker discards it unconsumed after this (epoch ms).
   */
  send(remoteId: string, body: Body<'config'>, smtId: string, opts?: { expiresAt?: number }): Promise<void>;
  /**
   * Takes the message with this smt-id out of the remote's queue if it still waits there: true when it
   * did, false when it is not there (the remote has it, or it never reached the broker); rejects without
   * a broker session.
   */
  withdraw(remoteId: string, smtId: string): Promise<boolean>;
  remotes(): readonly SelectableRemote[];
}

export interface PushEngineOptions {
  store: PushStore;
  port: PushPort;
  now?: () => number;
  log?: LogSink;
  /**
   * Sends awaiting their receipt at once (default 512): the connection commits what one turn sends as one
   * transaction, so a wide window is a few commits where 64 made a push to 500 remotes wait for eight.
   */
  concurrency?: number;
  /** Progress events per push at most this often. */
  progressIntervalMs?: number;
  /** Withdrawals under way at once (each is a consumer on one remote's queue). */
  withdrawConcurrency?: number;
  /**
   * The broker drops a push's messages this long after its deadline, not at it: at the deadline the
   * engine withdraws what still waits in the broker, which it could not find once the broker had dropped
   * it. After this grace a delivery still `sent` is expired (the remote's report, if it had it, wins).
   */
  brokerExpiryGraceMs?: number;
}

/** setTimeout's longest delay; a farther deadline is re-armed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

type ProgressListener = (p: PushProgress) => void;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A broker's receipt for one delivery's send, kept until its turn's batch is stored. */
interface Receipt {
  pushId: string;
  remoteId: string;
  smtId: string;
  at: number;
}

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
  /** Sends awaiting their receipt, by smt-id, each settling (never rejecting) when it is over. */
  private readonly inFlight = new Map<string, { pushId: string; settled: Promise<void> }>();
  /**
   * Queued smt-ids this engine handed to the broker without a receipt: such a message may be stored after
   * all, so cancel and expiry look for it. A queued delivery created since this engine started and never
   * handed over cannot be in the broker, and is ended without waiting for a withdrawal that finds nothing.
   */
  private readonly attempted = new Set<string>();
  private readonly startedAt: number;
  private readonly withdrawConcurrency: number;
  private readonly graceMs: number;
  /** When each push with a deadline is due for its next expiry pass. */
  private readonly due = new Map<string, number>();
  private deadlineTimer: NodeJS.Timeout | undefined;
  private readonly records = new Map<string, PushRecord>();
  /** Pushes whose delivery moved but whose push state could not be written after it (a full disk). */
  private readonly unadvanced = new Set<string>();
  private readonly listeners = new Set<ProgressListener>();
  private readonly dirty = new Set<string>();
  private progressTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private readonly foreignSenders = new Set<string>();
  /** Inside `batch`: transitions share one transaction, advancing and sending wait for its commit. */
  private batching = false;
  /** Pushes a batch moved, advanced once each at its end. */
  private readonly touched = new Set<string>();
  /** Receipts of this turn of the event loop, stored together (see `receipted`). */
  private readonly gatherReceipt = turnBatcher<Receipt>((receipts) => this.storeReceipts(receipts));

  constructor(opts: PushEngineOptions) {
    this.store = opts.store;
    this.port = opts.port;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? silentLog;
    this.concurrency = opts.concurrency ?? 512;
    this.progressIntervalMs = opts.progressIntervalMs ?? 200;
    this.withdrawConcurrency = opts.withdrawConcurrency ?? 16;
    this.graceMs = opts.brokerExpiryGraceMs ?? 30_000;
    this.startedAt = this.now();
    // An engine on an existing database keeps the deadlines of pushes still under way.
    for (const d of this.store.deadlines()) this.due.set(d.pushId, d.expiresAt);
    this.armDeadline();
  }

  /**
   * Writes the push and its first deliveries (queued, each with a fresh smt-id) to the outbox, then
   * starts sending. Resolves once the outbox holds it, not when anything was sent.
   */
  push(request: PushRequest): PushCreated {
    const parsed = PushRequest.safeParse(request);
    if (!parsed.success) throw new PushRefused(`bad push: ${z.prettifyError(parsed.error)}`);
    const req = parsed.data;
    const fleet = this.port.remotes();
    let latest = this.store.maxVersion(req.object);
    const { targets, unknown } = planPush(req, fleet, latest);
    const at = this.now();
    if (req.expiresAt !== undefined && req.expiresAt <= at) {
      throw new PushRefused(
        `the deadline ${new Date(req.expiresAt).toISOString()} is not in the future (now ${new Date(at).toISOString()})`,
      );
    }
    const plan = planOf(req.canary ?? null);
    const id = crypto.randomUUID();
    const firstStep = planRollout(plan, targets, new Map());
    const first = firstStep.kind === 'send' ? firstStep.remotes : [];
    const write = (version: number) =>
      this.store.createPush(
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
          expiresAt: req.expiresAt ?? null,
        },
        first.map((remoteId) => ({ remoteId, state: queued(crypto.randomUUID(), at) })),
      );
    let created: PushRecord | undefined;
    // Another console on the profile may push this object between our read and our write: a version the
    // admin left to us moves on to the next free one; a version the admin chose is refused.
    while (created === undefined) {
      try {
        created = write(planPush(req, fleet, latest).version);
      } catch (e) {
        if (!(e instanceof VersionTakenError) || req.version !== undefined) {
          throw e instanceof VersionTakenError
            ? new PushRefused(
                `version ${req.version} was pushed meanwhile by another console on this profile`,
              )
            : e;
        }
        latest = e.latest;
      }
    }
    for (const remoteId of first) this.enqueue(id, remoteId);
    if (created.expiresAt !== null) {
      this.due.set(id, created.expiresAt);
      this.armDeadline();
    }
    this.changed(id);
    return { push: created, unknown };
  }

  /**
   * Withdraws what no remote has yet. The push is marked cancelled first (no canary stage starts after
   * this), unsent deliveries are dropped and sends under way are awaited; then each queued or sent
   * delivery is looked for in the remote's queue: taken out (or never receipted) → cancelled; sent but not
   * there → the remote has it and will apply it, so it stays sent (`withRemote`); no broker session →
   * it stays sent (`unreachable`: cancel again once connected). A remote's later report still wins.
   */
  async cancel(pushId: string, author: string): Promise<CancelOutcome> {
    const push = this.mustGet(pushId);
    // A push every target is done with has nothing to withdraw; it stays done.
    if (push.state !== 'done') this.store.setPushState(pushId, 'cancelled');
    const f = await this.withdrawAll(pushId, 'cancel', false);
    const outcome = { cancelled: f.ended, withRemote: f.withRemote, unreachable: f.unreachable };
    this.store.audit({ at: this.now(), actor: author, action: 'cancel', subject: push.id, detail: outcome });
    this.changed(pushId);
    return outcome;
  }

  /** A new attempt (new smt-id) for every failed, rolled-back, expired or cancelled delivery. */
  retry(pushId: string, author: string): { retried: number } {
    const push = this.mustGet(pushId);
    const at = this.now();
    if (push.expiresAt !== null && push.expiresAt <= at) {
      throw new PushRefused(
        `push ${pushId} passed its deadline (${new Date(push.expiresAt).toISOString()}): push it again with a new one`,
      );
    }
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

  /** A result from a remote; answers for other pushes' messages are ignored. */
  takeResult(env: Envelope<'result'>): void {
    this.takeResults([env]);
  }

  /**
   * Results from remotes (the core's onResults: those that arrived together), stored in one transaction
   * before this returns, so the core acknowledges them only once they are on disk. A disk that cannot
   * take them throws (StoreUnwritableError, retryable): the core keeps them and offers them again.
   */
  takeResults(envs: readonly Envelope<'result'>[]): void {
    const at = this.now();
    this.batch(
      envs.flatMap((env) => {
        const found = this.store.findBySmtId(env.body.ref);
        if (!found) return [];
        if (found.remoteId !== env.from) {
          this.foreignResult(env, found.remoteId);
          return [];
        }
        const ev = resultEvent(env.body, at);
        if (!ev.ok) {
          this.log({ level: 'warn', msg: `result from ${env.from} not taken`, error: ev.error });
          return [];
        }
        return [{ pushId: found.pushId, remoteId: found.remoteId, event: ev.event }];
      }),
    );
  }

  /**
   * `from` is the broker-stamped sender (the inbound guard saw to it): one remote cannot settle another's
   * delivery. Logged once per sender; a compromised remote would repeat it.
   */
  private foreignResult(env: Envelope<'result'>, owner: string): void {
    if (this.foreignSenders.has(env.from)) return;
    this.foreignSenders.add(env.from);
    this.log({
      level: 'warn',
      msg: `result from ${env.from} about the delivery to ${owner} refused; further ones are ignored quietly`,
      remote: env.from,
      ref: env.body.ref,
    });
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
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
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
    // A push whose last advance the database refused is advanced on the event offered again.
    if (!moved && !this.unadvanced.has(pushId)) return;
    if (this.batching) {
      this.touched.add(pushId);
      return;
    }
    this.unadvanced.add(pushId);
    this.advance(pushId);
    this.unadvanced.delete(pushId);
    this.changed(pushId);
  }

  /**
   * Applies many transitions in one transaction (one commit, one sync of the WAL, where one each made the
   * sync the cost of a large push), then advances each push they touched once. A transition that fails
   * is logged and rolled back alone (its savepoint), the others still commit; a disk that cannot be
   * written refuses the whole batch (StoreUnwritableError, thrown). What advancing enqueues is sent only
   * after the commit: the outbox holds a delivery before it goes out.
   */
  private batch(steps: readonly { pushId: string; remoteId: string; event: DeliveryEvent }[]): void {
    if (steps.length === 0) return;
    this.batching = true;
    let touched: string[] = [];
    try {
      this.store.batch(() => {
        for (const { pushId, remoteId, event } of steps) {
          try {
            this.step(pushId, remoteId, event);
          } catch (e) {
            // A disk that cannot be written fails every step alike: the whole batch is refused.
            if (e instanceof StoreUnwritableError) throw e;
            this.log({
              level: 'error',
              msg: `${event.type} for ${remoteId} not stored`,
              pushId,
              error: String(e),
            });
          }
        }
        for (const pushId of this.touched) this.advance(pushId);
      });
    } finally {
      this.batching = false;
      touched = [...this.touched];
      this.touched.clear();
    }
    for (const pushId of touched) {
      this.unadvanced.delete(pushId);
      this.changed(pushId);
    }
    this.pump();
  }

  /**
   * Stores a broker receipt together with the others that arrive in the same turn of the event loop;
   * resolves once it is stored (or its batch failed, which is logged: the delivery stays queued and is
   * sent again under its smt-id).
   */
  private receipted(pushId: string, remoteId: string, smtId: string): Promise<void> {
    return this.gatherReceipt({ pushId, remoteId, smtId, at: this.now() });
  }

  private storeReceipts(receipts: readonly Receipt[]): void {
    if (this.closed) return;
    try {
      this.batch(
        receipts.map((r) => ({
          pushId: r.pushId,
          remoteId: r.remoteId,
          event: { type: 'sendReceipted' as const, smtId: r.smtId, at: r.at },
        })),
      );
    } catch (e) {
      this.log({ level: 'error', msg: `${receipts.length} send receipts not stored`, error: String(e) });
    }
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
        if (push.expiresAt !== null && push.expiresAt <= at) {
          // Past its deadline a rollout starts no new stage: the stage's targets end expired unsent.
          for (const remoteId of step.remotes) this.store.apply(pushId, remoteId, { type: 'expire', at });
          this.advance(pushId);
          return;
        }
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
    if (!this.batching) this.pump();
  }

  private pump(): void {
    while (!this.closed && this.inFlight.size < this.concurrency && this.pending.size > 0) {
      const [smtId, d] = this.pending.entries().next().value as [
        string,
        { pushId: string; remoteId: string },
      ];
      this.pending.delete(smtId);
      const settled = this.sendOne(smtId, d.pushId, d.remoteId).finally(() => {
        this.inFlight.delete(smtId);
        this.pump();
        this.wakeIdle();
      });
      this.inFlight.set(smtId, { pushId: d.pushId, settled });
    }
  }

  private async sendOne(smtId: string, pushId: string, remoteId: string): Promise<void> {
    const push = this.record(pushId);
    const state = this.store.delivery(pushId, remoteId);
    // Moved on meanwhile (a result overtook, a cancel, a retry with a new id): nothing to send.
    if (!push || state?.kind !== 'queued' || state.smtId !== smtId) return;
    // Being cancelled, or past its deadline (the expiry pass ends it): nothing new goes out.
    if (this.store.pushState(pushId)?.state === 'cancelled') return;
    if (push.expiresAt !== null && push.expiresAt <= this.now()) return;
    const body: Body<'config'> = {
      pushId,
      object: push.object,
      version: push.version,
      op: push.op,
      ...(push.payload === undefined ? {} : { payload: push.payload }),
    };
    this.attempted.add(smtId);
    try {
      await this.port.send(
        remoteId,
        body,
        smtId,
        push.expiresAt === null ? {} : { expiresAt: push.expiresAt + this.graceMs },
      );
    } catch (e) {
      // Stays queued: the next (re)connect sends it again with the same smt-id.
      this.log({ level: 'debug', msg: `config for ${remoteId} not receipted yet`, smtId, error: String(e) });
      return;
    }
    this.attempted.delete(smtId);
    if (this.closed) return;
    await this.receipted(pushId, remoteId, smtId);
  }

  /**
   * Cancel's and expiry's common part: no more sends for the push, the ones under way settled, then each
   * queued or sent delivery withdrawn from the broker where it can be. `endSent`: a sent one the broker
   * no longer has ends too (expiry after the broker's own expiry: it dropped it, or the remote has it).
   */
  private async withdrawAll(
    pushId: string,
    type: 'cancel' | 'expire',
    endSent: boolean,
  ): Promise<WithdrawOutcome> {
    for (const [smtId, d] of this.pending) if (d.pushId === pushId) this.pending.delete(smtId);
    await Promise.all([...this.inFlight.values()].filter((f) => f.pushId === pushId).map((f) => f.settled));
    const open = [...this.store.deliveries(pushId)].filter(
      ([, s]) => s.kind === 'queued' || s.kind === 'sent',
    );
    const outcome: WithdrawOutcome = { ended: 0, withRemote: 0, unreachable: 0 };
    await eachLimited(open, this.withdrawConcurrency, async ([remoteId, s]) => {
      let found: boolean | undefined = false;
      const mayBeInBroker = s.kind === 'sent' || this.attempted.has(s.smtId) || s.queuedAt <= this.startedAt;
      if (mayBeInBroker) {
        try {
          found = await this.port.withdraw(remoteId, s.smtId);
        } catch (e) {
          found = undefined;
          this.log({
            level: 'debug',
            msg: `cannot withdraw from ${remoteId}`,
            smtId: s.smtId,
            error: String(e),
          });
        }
      }
      // A queued one was never receipted: if a copy reached the remote after all, its report wins.
      const end = found === true || s.kind === 'queued' || endSent;
      if (end && this.store.apply(pushId, remoteId, { type, at: this.now() })) {
        this.attempted.delete(s.smtId);
        outcome.ended++;
      } else if (found === undefined && !end) outcome.unreachable++;
      // Not found, or the remote reported while it was looked for.
      else outcome.withRemote++;
    });
    return outcome;
  }

  /** The nearest deadline pass, on one timer. */
  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    if (this.closed || this.due.size === 0) return;
    const next = Math.min(...this.due.values());
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next - this.now()));
    this.deadlineTimer = setTimeout(() => this.onDeadline(), delay);
    // A deadline alone does not keep a process (the CLI) alive.
    this.deadlineTimer.unref();
  }

  private onDeadline(): void {
    this.deadlineTimer = undefined;
    const now = this.now();
    for (const [pushId, at] of this.due) {
      if (at > now) continue;
      this.due.delete(pushId);
      void this.expirePass(pushId).catch((e: unknown) =>
        this.log({ level: 'error', msg: `expiry of push ${pushId} failed`, error: String(e) }),
      );
    }
    this.armDeadline();
  }

  /**
   * At the deadline: what still waits in the broker is withdrawn, what was never receipted ends, both
   * `expired`; what a remote has stays sent (its report decides), and is looked at again once the broker
   * has dropped its own copies (deadline + grace), when whatever is still sent expires.
   */
  private async expirePass(pushId: string): Promise<void> {
    const rec = this.record(pushId);
    const state = this.store.pushState(pushId)?.state;
    if (!rec || rec.expiresAt === null || (state !== 'open' && state !== 'halted') || this.closed) return;
    const brokerDropsAt = rec.expiresAt + this.graceMs;
    const f = await this.withdrawAll(pushId, 'expire', this.now() >= brokerDropsAt);
    if (this.closed) return;
    this.store.audit({ at: this.now(), actor: 'deadline', action: 'expire', subject: pushId, detail: f });
    if (f.withRemote + f.unreachable > 0 && this.store.undone(pushId) > 0) {
      this.due.set(pushId, brokerDropsAt);
      this.armDeadline();
    }
    this.advance(pushId);
    this.changed(pushId);
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

/** Runs `fn` over `items`, at most `limit` at once. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const planOf = (canary: number | null): RolloutPlan =>
  canary === null ? { kind: 'all' } : { kind: 'canary', size: canary };
