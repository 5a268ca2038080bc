import type { Envelope } from '../../../src-shared/protocol';
import {
  isRetryable,
  queued,
  type DeliveryEvent,
  type DeliveryState,
} from '../../../src-shared/push/delivery';
import {
  fromColumns,
  plannedEvent,
  toColumns,
  transition,
  type PushEvent,
} from '../../../src-shared/push/push-state';
import type { PushRequest } from '../../../src-shared/push/request';
import { planRollout } from '../../../src-shared/push/rollout';
import { summarize } from '../../../src-shared/push/summary';
import { silentLog, type LogSink } from '../../../src-node/log';
import { VersionTakenError, type PushRecord, type PushStore } from '../store/push-store';
import { StoreUnwritableError } from '../store/unwritable';
import { Deadlines } from './deadlines';
import {
  PushRefused,
  newPush,
  parsePushRequest,
  planPush,
  refuseDeadlinePassed,
  rolloutPlanOf,
  type ParsedPushRequest,
} from './plan';
import type { PushPort } from './port';
import { ProgressFeed, type ProgressListener, type PushProgress } from './progress-feed';
import { ResultIntake, type DeliveryStep } from './result-intake';
import { SendWindow } from './send-window';
import { withdrawPush, type CancelOutcome, type WithdrawContext } from './withdrawal';

export interface PushCreated {
  push: PushRecord;
  /** Ids the selector named that the fleet does not know; they are not targets. */
  unknown: string[];
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

/**
 * Drives the pure delivery and push machines (src-shared/push) over the outbox: writes before it sends
 * (the send window sends), turns receipts and results into stored transitions, resends what is queued
 * after a (re)connect with the same smt-id, and plans canary rollouts from the stored deliveries alone,
 * so a console constructed on an existing database goes on where the last one stopped. Deadlines,
 * withdrawal and the progress feed are their own modules beside it.
 */
export class PushEngine {
  private readonly store: PushStore;
  private readonly port: PushPort;
  private readonly now: () => number;
  private readonly log: LogSink;
  private readonly graceMs: number;
  private readonly window: SendWindow;
  private readonly withdrawal: WithdrawContext;
  private readonly deadlines: Deadlines;
  private readonly feed: ProgressFeed;
  private readonly records = new Map<string, PushRecord>();
  /** Pushes whose delivery moved but whose push state could not be written after it (a full disk). */
  private readonly unadvanced = new Set<string>();
  private readonly results: ResultIntake;
  private closed = false;
  /** Inside `batch`: transitions share one transaction, advancing and sending wait for its commit. */
  private batching = false;
  /** Pushes a batch moved, advanced once each at its end. */
  private readonly touched = new Set<string>();

  constructor(opts: PushEngineOptions) {
    this.store = opts.store;
    this.port = opts.port;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? silentLog;
    this.graceMs = opts.brokerExpiryGraceMs ?? 30_000;
    this.window = new SendWindow({
      store: this.store,
      port: this.port,
      now: this.now,
      log: this.log,
      concurrency: opts.concurrency ?? 512,
      graceMs: this.graceMs,
      record: (pushId) => this.record(pushId),
      storeReceipts: (steps) => this.storeReceipts(steps),
    });
    this.withdrawal = {
      store: this.store,
      port: this.port,
      window: this.window,
      concurrency: opts.withdrawConcurrency ?? 16,
      now: this.now,
      log: this.log,
    };
    this.results = new ResultIntake(this.store, this.log);
    this.feed = new ProgressFeed((id) => this.progress(id), opts.progressIntervalMs ?? 200, this.log);
    // An engine on an existing database keeps the deadlines of pushes still under way.
    this.deadlines = new Deadlines(
      this.now,
      (pushId) =>
        void this.expirePass(pushId).catch((e: unknown) =>
          this.log({ level: 'error', msg: `expiry of push ${pushId} failed`, error: String(e) }),
        ),
      this.store.deadlines(),
    );
  }

  /**
   * Writes the push and its first deliveries (queued, each with a fresh smt-id) to the outbox, then
   * starts sending. Resolves once the outbox holds it, not when anything was sent. For callers that have
   * not parsed the request (the CLI, tests): PushRefused when it is bad.
   */
  push(request: PushRequest): PushCreated {
    return this.pushParsed(parsePushRequest(request));
  }

  /** `push` of a request its boundary parsed already (the IPC contract): it is not parsed again. */
  pushParsed(req: ParsedPushRequest): PushCreated {
    const fleet = this.port.remotes();
    let latest = this.store.maxVersion(req.object);
    const { targets, unknown } = planPush(req, fleet, latest);
    const at = this.now();
    refuseDeadlinePassed(req.expiresAt, at);
    const id = crypto.randomUUID();
    const firstStep = planRollout(rolloutPlanOf(req.canary ?? null), targets, new Map());
    const first = firstStep.kind === 'send' ? firstStep.remotes : [];
    const write = (version: number) =>
      this.store.createPush(
        newPush(req, { id, at, targets, version }),
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
    if (created.expiresAt !== null) this.deadlines.set(id, created.expiresAt);
    this.feed.changed(id);
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
    this.move(pushId, { type: 'cancel' }, push);
    const f = await withdrawPush(this.withdrawal, pushId, 'cancel', false);
    const outcome = { cancelled: f.ended, withRemote: f.withRemote, unreachable: f.unreachable };
    this.store.audit({ at: this.now(), actor: author, action: 'cancel', subject: push.id, detail: outcome });
    this.feed.changed(pushId);
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
    this.move(pushId, { type: 'retry', retried: again.length }, push);
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
    this.feed.changed(pushId);
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
    this.batch(this.results.stepsOf(envs, this.now()));
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
      step: planRollout(rolloutPlanOf(push.canary), push.targets, deliveries),
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
    return this.feed.onProgress(listener);
  }

  /** Resolves when nothing is waiting to be sent or awaiting its receipt. */
  idle(): Promise<void> {
    return this.window.idle();
  }

  /** Stops sending and emitting; the outbox keeps what is not sent for the next engine. */
  close(): void {
    this.closed = true;
    this.window.close();
    this.feed.close();
    this.deadlines.close();
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
    this.feed.changed(pushId);
  }

  /**
   * Applies many transitions in one transaction (one commit, one sync of the WAL, where one each made the
   * sync the cost of a large push), then advances each push they touched once. A transition that fails
   * is logged and rolled back alone (its savepoint), the others still commit; a disk that cannot be
   * written refuses the whole batch (StoreUnwritableError, thrown). What advancing enqueues is sent only
   * after the commit: the outbox holds a delivery before it goes out.
   */
  private batch(steps: readonly DeliveryStep[]): void {
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
      this.feed.changed(pushId);
    }
    this.window.pump();
  }

  /** A turn's receipts in one batch; one that fails is logged: its deliveries stay queued and are resent. */
  private storeReceipts(steps: readonly DeliveryStep[]): void {
    if (this.closed) return;
    try {
      this.batch(steps);
    } catch (e) {
      this.log({ level: 'error', msg: `${steps.length} send receipts not stored`, error: String(e) });
    }
  }

  /** Asks the planner what to do now and does it: start the next stage, record a halt, or finish. */
  private advance(pushId: string): void {
    const rec = this.record(pushId);
    const columns = this.store.pushState(pushId);
    // A cancelled push starts no stage; only the admin reopens it (a retry).
    if (!rec || !columns || columns.state === 'cancelled') return;
    if (rec.canary === null) {
      // A plain push starts every target at once and never halts: counting is enough, and cheaper than
      // reading every delivery back on each of a large push's transitions.
      this.move(pushId, { type: this.store.undone(pushId) === 0 ? 'finished' : 'underWay' }, columns);
      return;
    }
    const step = planRollout(rolloutPlanOf(rec.canary), rec.targets, this.store.deliveries(pushId));
    if (step.kind === 'send') {
      const at = this.now();
      this.store.addDeliveries(
        pushId,
        step.remotes.map((remoteId) => ({ remoteId, state: queued(crypto.randomUUID(), at) })),
        at,
      );
      if (rec.expiresAt !== null && rec.expiresAt <= at) {
        // Past its deadline a rollout starts no new stage: the stage's targets end expired unsent.
        for (const remoteId of step.remotes) this.store.apply(pushId, remoteId, { type: 'expire', at });
        this.advance(pushId);
        return;
      }
      for (const remoteId of step.remotes) this.enqueue(pushId, remoteId);
    }
    this.move(pushId, plannedEvent(step), columns);
  }

  /**
   * Feeds the push machine one event and writes the state it moves to; a state it stays in is not
   * written again (nor a halt logged again). `columns`: the push's state as the caller just read it.
   */
  private move(pushId: string, event: PushEvent, columns = this.store.pushState(pushId)): void {
    if (!columns) return;
    const from = fromColumns(columns);
    const to = transition(from, event);
    if (to === from) return;
    const written = toColumns(to);
    this.store.setPushState(pushId, written.state, written.haltReason);
    if (to.kind === 'halted') this.log({ level: 'warn', msg: `push ${pushId} halted`, reason: to.reason });
  }

  private enqueue(pushId: string, remoteId: string, smtId?: string): void {
    if (this.closed) return;
    const id = smtId ?? this.store.delivery(pushId, remoteId)?.smtId;
    if (!id) return;
    this.window.enqueue(id, pushId, remoteId);
    if (!this.batching) this.window.pump();
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
    const f = await withdrawPush(this.withdrawal, pushId, 'expire', this.now() >= brokerDropsAt);
    if (this.closed) return;
    this.store.audit({ at: this.now(), actor: 'deadline', action: 'expire', subject: pushId, detail: f });
    if (f.withRemote + f.unreachable > 0 && this.store.undone(pushId) > 0) {
      this.deadlines.set(pushId, brokerDropsAt);
    }
    this.advance(pushId);
    this.feed.changed(pushId);
  }
}
