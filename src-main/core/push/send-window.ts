import type { Body } from '../../../src-shared/protocol';
import type { DeliveryState } from '../../../src-shared/push/delivery';
import type { LogSink } from '../../../src-node/log';
import { turnBatcher } from '../../../src-node/turn-batch';
import type { PushRecord, PushStore } from '../store/push-store';
import type { PushPort } from './port';
import type { DeliveryStep } from './result-intake';

/** One delivery to send: which push, to which remote. */
interface Outgoing {
  pushId: string;
  remoteId: string;
}

export interface SendWindowOptions {
  store: PushStore;
  port: PushPort;
  now: () => number;
  log: LogSink;
  /** Sends awaiting their receipt at once. */
  concurrency: number;
  /** Added to a push's deadline for the broker's own expiry of its messages (see brokerExpiryGraceMs). */
  graceMs: number;
  /** The push as written, read once (the engine's cache). */
  record: (pushId: string) => PushRecord | undefined;
  /** Stores receipts as `sendReceipted` steps, those of one turn of the event loop together. */
  storeReceipts: (steps: DeliveryStep[]) => void;
}

/**
 * The send window: queued deliveries go to the broker in the order they were queued, at most
 * `concurrency` awaiting their receipt at once. A send that is not receipted leaves the delivery queued
 * for the next (re)connect; one that is receipted is stored as sent by the engine (`receipted`).
 */
export class SendWindow {
  /** Deliveries to send, by smt-id, in the order they were queued. */
  private readonly pending = new Map<string, Outgoing>();
  /** Sends awaiting their receipt, by smt-id, each settling (never rejecting) when it is over. */
  private readonly inFlight = new Map<string, { pushId: string; settled: Promise<void> }>();
  /**
   * Queued smt-ids this window handed to the broker without a receipt: such a message may be stored after
   * all, so cancel and expiry look for it. A queued delivery created since this engine started and never
   * handed over cannot be in the broker, and is ended without waiting for a withdrawal that finds nothing.
   */
  private readonly attempted = new Set<string>();
  private readonly startedAt: number;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  /**
   * Stores a broker receipt together with the others that arrive in the same turn of the event loop;
   * resolves once they are stored (or their batch failed, which the engine logs: the delivery stays
   * queued and is sent again under its smt-id).
   */
  private readonly receipted: (step: DeliveryStep) => Promise<void>;

  constructor(private readonly opts: SendWindowOptions) {
    this.startedAt = opts.now();
    this.receipted = turnBatcher((steps: DeliveryStep[]) => opts.storeReceipts(steps));
  }

  /** Queues the send of this attempt unless it is under way; `pump` starts it. */
  enqueue(smtId: string, pushId: string, remoteId: string): void {
    if (this.closed || this.inFlight.has(smtId)) return;
    this.pending.set(smtId, { pushId, remoteId });
  }

  /** Starts what fits in the window. */
  pump(): void {
    while (!this.closed && this.inFlight.size < this.opts.concurrency && this.pending.size > 0) {
      const [smtId, d] = this.pending.entries().next().value as [string, Outgoing];
      this.pending.delete(smtId);
      const settled = this.sendOne(smtId, d.pushId, d.remoteId).finally(() => {
        this.inFlight.delete(smtId);
        this.pump();
        this.wakeIdle();
      });
      this.inFlight.set(smtId, { pushId: d.pushId, settled });
    }
  }

  /** No more sends for the push: its unsent ones are dropped, and this resolves once those under way settled. */
  async drain(pushId: string): Promise<void> {
    for (const [smtId, d] of this.pending) if (d.pushId === pushId) this.pending.delete(smtId);
    await Promise.all([...this.inFlight.values()].filter((f) => f.pushId === pushId).map((f) => f.settled));
  }

  /** Whether the broker may hold this delivery's message, so that a withdrawal is worth asking for. */
  mayBeInBroker(s: DeliveryState): boolean {
    return s.kind === 'sent' || this.attempted.has(s.smtId) || s.queuedAt <= this.startedAt;
  }

  /** The attempt ended (withdrawn, or never receipted): it is no longer looked for. */
  forget(smtId: string): void {
    this.attempted.delete(smtId);
  }

  /** Resolves when nothing is waiting to be sent or awaiting its receipt. */
  idle(): Promise<void> {
    if (this.pending.size === 0 && this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Sends nothing more; the outbox keeps what is not sent for the next engine. */
  close(): void {
    this.closed = true;
    this.pending.clear();
    this.wakeIdle();
  }

  private async sendOne(smtId: string, pushId: string, remoteId: string): Promise<void> {
    const { store, port, now, log } = this.opts;
    const push = this.opts.record(pushId);
    const state = store.delivery(pushId, remoteId);
    // Moved on meanwhile (a result overtook, a cancel, a retry with a new id): nothing to send.
    if (!push || state?.kind !== 'queued' || state.smtId !== smtId) return;
    // Being cancelled, or past its deadline (the expiry pass ends it): nothing new goes out.
    if (store.pushState(pushId)?.state === 'cancelled') return;
    if (push.expiresAt !== null && push.expiresAt <= now()) return;
    const body: Body<'config'> = {
      pushId,
      object: push.object,
      version: push.version,
      op: push.op,
      ...(push.payload === undefined ? {} : { payload: push.payload }),
    };
    this.attempted.add(smtId);
    try {
      await port.send(
        remoteId,
        body,
        smtId,
        push.expiresAt === null ? {} : { expiresAt: push.expiresAt + this.opts.graceMs },
      );
    } catch (e) {
      // Stays queued: the next (re)connect sends it again with the same smt-id.
      log({ level: 'debug', msg: `config for ${remoteId} not receipted yet`, smtId, error: String(e) });
      return;
    }
    this.attempted.delete(smtId);
    if (this.closed) return;
    await this.receipted({ pushId, remoteId, event: { type: 'sendReceipted', smtId, at: now() } });
  }

  private wakeIdle(): void {
    if (this.pending.size > 0 || this.inFlight.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
