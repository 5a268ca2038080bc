import { setTimeout as delay } from 'node:timers/promises';
import { objectKey } from '../../src-shared/config/object-key';
import type { Body, Envelope } from '../../src-shared/protocol';
import { NotInstalledError, type ApplyOutcome, type DhcpTarget, type DnsTarget } from '../targets/types';
import type { Ledger, LedgerEntry } from './ledger';
import { storageErrorOf, type StorageError } from './storage-error';
import { errorText } from '../../src-shared/util/error-text';

type ConfigBody = Body<'config'>;
type ResultBody = Body<'result'>;

/**
 * Checks a config message's signature against the signer certificates this remote trusts, before
 * anything is applied (SignatureVerifier). A refusal is recorded as failed like any other failure.
 */
export interface ConfigVerifier {
  verify(env: Envelope<'config'>): { ok: true } | { ok: false; reason: string };
}

const objectName = (o: ConfigBody['object']) => (o.kind === 'zone' ? o.name : o.subnet);

export const acceptUnsigned: ConfigVerifier = { verify: () => ({ ok: true }) };

export interface ConfigApplierOptions {
  ledger: Ledger;
  dns?: DnsTarget;
  dhcp?: DhcpTarget;
  verifier?: ConfigVerifier;
  now?: () => number;
  /**
   * Runs after the outcome is on disk and before its result is sent (and so before the ack): the
   * simulator's crash-before-ack fault exits the process here.
   */
  afterRecord?: (entry: LedgerEntry) => void;
  /**
   * A full or read-only disk holds a message: called with the trouble when it starts, with undefined
   * when the message went on (the agent reports both as events).
   */
  onStorage?: (trouble: StorageError | undefined) => void;
  /** Waits between tries while the disk cannot be written: the first, and the longest (doubling). */
  storageRetryMs?: { first: number; max: number };
  /**
   * How long an apply may take before 'delivered' goes out (default DELIVERED_AFTER_MS; 0: always, at
   * once). An apply that settles sooner is reported by its 'applied' or 'failed' alone.
   */
  deliveredAfterMs?: number;
}

/**
 * 'delivered' tells the admin that a remote has the message and is still applying it, which matters when
 * an apply is slow (a large zone's reload, a disk that is full). Sent for every message it was a third of
 * the broker's persistent messages and of the console's stored transitions per push, and in a push to
 * hundreds of remotes it mostly arrived together with 'applied' (docs/performance.md).
 */
export const DELIVERED_AFTER_MS = 1_000;

/** Sends one result and resolves on the broker's receipt. */
export type ResultSink = (result: ResultBody) => Promise<void>;

/** Thrown by a message held for the disk when the applier is closed: it stays unacknowledged. */
export class ApplierClosedError extends Error {
  override name = 'ApplierClosedError';
}

/**
 * The config channel's exactly-once effect (design.md §5): a message already in the ledger is answered
 * from it; an older version than the applied one is superseded; otherwise 'delivered', apply through the
 * target, record the outcome durably, then 'applied', 'failed', or 'rolled-back' when the target put the
 * previous version back after the change failed its check on the server (`handle` says when the caller acks).
 * A full or read-only disk (the target's files or the ledger) is not the config's fault: the message is
 * held and both steps are tried again until the disk can be written, so it is applied once space is
 * freed, with no retry of the push, and the messages behind it wait their turn.
 */
export class ConfigApplier {
  private readonly now: () => number;
  /** Aborted by close: ends a wait for the disk. */
  private readonly closing = new AbortController();

  constructor(private readonly opts: ConfigApplierOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Ends a wait for the disk (the agent is stopping): that message rejects with ApplierClosedError. */
  close(): void {
    this.closing.abort();
  }

  /**
   * Handles one message and resolves once its outcome is settled here (applied and in the ledger, or
   * needing no record), with `reported`: the broker's receipt of every result it sent. The caller acks the
   * message after `reported`, and may handle the next message meanwhile: results go out in order on one
   * session, and a message whose ack is lost comes again and is answered from the ledger. 'delivered'
   * goes out only when the apply is still running after `deliveredAfterMs`, without holding it up.
   */
  async handle(env: Envelope<'config'>, send: ResultSink): Promise<{ reported: Promise<void> }> {
    const b = env.body;
    const about = { ref: env.id, pushId: b.pushId, object: b.object, version: b.version };
    const key = objectKey(b.object);
    const { ledger } = this.opts;
    const only = (result: ResultBody) => ({ reported: send(result) });

    const known = ledger.get(env.id);
    if (known) {
      const when = new Date(known.at).toISOString();
      return only({
        ...about,
        state: known.state,
        ...(known.sha256 ? { sha256: known.sha256 } : {}),
        reason:
          known.state === 'applied'
            ? `answered from the ledger: this message was applied at ${when}`
            : `${known.reason ?? known.state} (answered from the ledger: this message ${
                known.state === 'failed' ? 'failed' : 'was rolled back'
              } at ${when})`,
      });
    }
    // Verified before the version check: an unsigned or forged message is refused as such. A refusal is
    // not written to the ledger: verification is deterministic, so a redelivery gets the same answer
    // anyway, and a forgery injected under the id of a genuine message still on its way must not make
    // the ledger answer the genuine one "failed".
    const verdict = (this.opts.verifier ?? acceptUnsigned).verify(env);
    if (!verdict.ok) return only({ ...about, state: 'failed', reason: verdict.reason });
    const applied = ledger.lastApplied(key);
    if (applied && b.version < applied.version) {
      return only({
        ...about,
        state: 'superseded',
        reason: `version ${b.version} is older than version ${applied.version} applied at ${new Date(applied.at).toISOString()}`,
      });
    }

    let delivered: Promise<void> | undefined;
    const sayDelivered = () => {
      delivered = send({ ...about, state: 'delivered' });
      // Settled by `reported` below; until then a lost session must not count as an unhandled rejection.
      delivered.catch(() => undefined);
    };
    const deliveredAfterMs = this.opts.deliveredAfterMs ?? DELIVERED_AFTER_MS;
    let slow: NodeJS.Timeout | undefined;
    if (deliveredAfterMs > 0) slow = setTimeout(sayDelivered, deliveredAfterMs);
    else sayDelivered();
    const { outcome, entry } = await this.applyAndRecord(env, key).finally(() => clearTimeout(slow));
    this.opts.afterRecord?.(entry);
    const final = send(
      outcome.ok
        ? { ...about, state: 'applied', sha256: outcome.sha256 }
        : { ...about, state: entry.state, reason: outcome.reason },
    );
    return { reported: Promise.all([delivered, final]).then(() => undefined) };
  }

  /** Applies the message and records its outcome in the ledger, each step waiting out a full disk. */
  private async applyAndRecord(
    env: Envelope<'config'>,
    key: string,
  ): Promise<{ outcome: ApplyOutcome; entry: LedgerEntry }> {
    const b = env.body;
    const outcome = await this.untilWritable(() => this.apply(b));
    const entry: LedgerEntry = {
      id: env.id,
      state: outcome.ok ? 'applied' : outcome.rolledBack ? 'rolled-back' : 'failed',
      object: key,
      version: b.version,
      op: b.op,
      ...(outcome.ok ? { sha256: outcome.sha256 } : { reason: outcome.reason }),
      at: this.now(),
    };
    await this.untilWritable(() => this.opts.ledger.record(entry));
    return { outcome, entry };
  }

  /** Runs `step` until no full or read-only disk stops it, waiting longer each time. */
  private async untilWritable<T>(step: () => Promise<T>): Promise<T> {
    const { first, max } = this.opts.storageRetryMs ?? { first: 1_000, max: 30_000 };
    let wait = first;
    let trouble: StorageError | undefined;
    for (;;) {
      if (this.closing.signal.aborted) {
        throw new ApplierClosedError('the agent stopped while the disk could not be written');
      }
      try {
        const done = await step();
        if (trouble) this.opts.onStorage?.(undefined);
        return done;
      } catch (e) {
        const now = storageErrorOf(e, 'the agent state');
        if (!now) throw e;
        if (!trouble) this.opts.onStorage?.(now);
        trouble = now;
      }
      // Aborted by close: the check above then gives the message up.
      await delay(wait, undefined, { signal: this.closing.signal }).catch(() => undefined);
      wait = Math.min(max, wait * 2);
    }
  }

  /**
   * A target's unexpected error is a failure with its message; a full or read-only disk is thrown, for
   * untilWritable to wait out.
   */
  private async apply(b: ConfigBody): Promise<ApplyOutcome> {
    try {
      return await this.dispatch(b);
    } catch (e) {
      const storage = storageErrorOf(e, `the files of ${b.object.kind} ${objectName(b.object)}`);
      if (storage) throw storage;
      return { ok: false, reason: errorText(e) };
    }
  }

  private async dispatch(b: ConfigBody): Promise<ApplyOutcome> {
    const { object, payload } = b;
    if (object.kind === 'zone') {
      const dns = this.opts.dns;
      if (!dns) throw new NotInstalledError('named (DNS)');
      if (b.op === 'delete') return dns.deleteZone(object.name);
      if (!payload) return { ok: false, reason: `upsert of zone ${object.name} carries no payload` };
      if (payload.format !== 'zone-text') {
        return { ok: false, reason: `a zone takes a zone-text payload, not ${payload.format}` };
      }
      return dns.upsertZone(object.name, payload.text);
    }
    const dhcp = this.opts.dhcp;
    if (!dhcp) throw new NotInstalledError('kea-dhcp4 (DHCPv4)');
    if (b.op === 'delete') return dhcp.deleteScope(object.subnet);
    if (!payload) return { ok: false, reason: `upsert of scope ${object.subnet} carries no payload` };
    if (payload.format !== 'kea-subnet4') {
      return { ok: false, reason: `a scope takes a kea-subnet4 payload, not ${payload.format}` };
    }
    if (payload.scope.subnet !== object.subnet) {
      return {
        ok: false,
        reason: `the payload's subnet ${payload.scope.subnet} is not the message's object ${object.subnet}`,
      };
    }
    return dhcp.upsertScope(payload.scope);
  }
}
