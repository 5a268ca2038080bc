import type { RemoteIdentity } from '../../src-shared/profile';
import { silentLog, type LogSink } from '../../src-node/log';
import { InboundGuard, SmtConnection, subscribeRoutes, type SmtConnectionOptions } from '../../src-node/smt';
import type { TlsMaterial } from '../../src-node/tls';
import type { HelloCert } from '../../src-shared/protocol';
import type { DhcpTarget, DnsTarget } from '../targets/types';
import { ConfigApplier, type ConfigVerifier } from './config-apply';
import type { HostSource, ServiceControls } from './host-source';
import { AgentInbox } from './inbox';
import type { Ledger, LedgerEntry } from './ledger';
import { ServedInventory } from './served-inventory';
import type { StorageError } from './storage-error';
import { helloCertOf } from './own-cert';
import { Telemetry } from './telemetry';

export interface RemoteAgentOptions {
  identity: RemoteIdentity;
  tls: TlsMaterial;
  /**
   * What the hello says of the agent's certificate: by default the one in `tls`, read once here, since
   * the connection keeps that material for the agent's life (a renewed certificate takes a restart).
   */
  cert?: HelloCert;
  host: HostSource;
  ledger: Ledger;
  dns?: DnsTarget;
  dhcp?: DhcpTarget;
  /** What the command channel may do to which service; a service not listed is not installed here. */
  services: ServiceControls;
  /** Required: an agent never applies a config it has not verified. */
  verifier: ConfigVerifier;
  statsIntervalMs: number;
  presenceIntervalMs: number;
  /** Defaults to the stats interval. */
  usageIntervalMs?: number;
  log?: LogSink;
  random?: () => number;
  connection?: Partial<
    Pick<SmtConnectionOptions, 'heartbeat' | 'connectTimeoutMs' | 'machine' | 'transport'>
  >;
  /** See ConfigApplierOptions.afterRecord. */
  afterRecord?: (entry: LedgerEntry) => void;
  /** Default INVENTORY_DEBOUNCE_MS (served-inventory.ts). */
  inventoryDebounceMs?: number;
}

/**
 * The one remote-agent pipeline, for `run` (real host, BIND, Kea) and `simulate` (models, in-memory
 * servers): one connection, what the remote tells unasked (telemetry.ts: hello on every connect,
 * presence / stats / usage on timers, events) and the four queues of this remote (inbox.ts).
 */
export class RemoteAgent {
  readonly id: string;
  readonly conn: SmtConnection;
  readonly guard: InboundGuard;
  private readonly log: LogSink;
  private readonly applier: ConfigApplier;
  private readonly telemetry: Telemetry;
  /** What this remote serves, sent after each hello and on change (served-inventory.ts). */
  readonly inventory: ServedInventory;
  private stopping = false;

  constructor(opts: RemoteAgentOptions) {
    this.id = opts.identity.remoteId;
    this.log = opts.log ?? silentLog;
    this.guard = new InboundGuard(`remote ${this.id}`, this.log);
    this.applier = new ConfigApplier({
      ledger: opts.ledger,
      dns: opts.dns,
      dhcp: opts.dhcp,
      verifier: opts.verifier,
      afterRecord: (entry) => {
        // An apply changed (or tried to change) what is served: the inventory looks again.
        this.inventory.changed();
        opts.afterRecord?.(entry);
      },
      onStorage: (trouble) => this.onStorage(trouble),
    });
    this.conn = new SmtConnection({
      ...opts.connection,
      name: `remote ${this.id}`,
      brokers: opts.identity.brokers,
      tls: opts.tls,
      log: this.log,
      random: opts.random,
    });
    const telemetry = new Telemetry({
      ...opts,
      id: this.id,
      conn: this.conn,
      cert: opts.cert ?? helloCertOf(opts.tls.cert),
      log: this.log,
    });
    this.telemetry = telemetry;
    const inventory = new ServedInventory({
      id: this.id,
      conn: this.conn,
      dns: opts.dns,
      dhcp: opts.dhcp,
      lastApplied: (key) => opts.ledger.lastApplied(key)?.version,
      log: this.log,
      debounceMs: opts.inventoryDebounceMs,
    });
    this.inventory = inventory;
    const inbox = new AgentInbox({
      id: this.id,
      conn: this.conn,
      guard: this.guard,
      applier: this.applier,
      services: opts.services,
      telemetry,
      log: this.log,
      query: {
        dns: opts.dns,
        dhcp: opts.dhcp,
        hello: () => telemetry.helloBody(),
        uptimeS: () => opts.host.uptimeS(Date.now()),
        lastApplied: (key) => opts.ledger.lastApplied(key)?.version,
        served: () => inventory.current(),
      },
    });
    subscribeRoutes(this.conn, inbox.routes());
    // The inventory after the hello, on the same queue: a console reads them in this order.
    this.conn.onOpened(async () => {
      await telemetry.sayHello();
      await inventory.afterHello();
    });
  }

  start(): void {
    this.stopping = false;
    this.telemetry.resume();
    this.inventory.start();
    this.conn.start();
  }

  /** Says goodbye (presence offline, bounded in time) and disconnects. */
  async stop(timeoutMs = 2000): Promise<void> {
    this.stopping = true;
    this.applier.close();
    this.telemetry.stop();
    this.inventory.stop();
    await this.telemetry.goodbye(timeoutMs);
    await this.conn.stop(timeoutMs);
  }

  /** Drops the session without a goodbye, as a network cut would, and comes back after `forMs`. */
  async goOffline(forMs: number): Promise<void> {
    this.telemetry.clearTimers();
    await this.conn.stop(0);
    await new Promise((r) => setTimeout(r, forMs));
    if (!this.stopping) this.conn.start();
  }

  /** A full or read-only disk holds config messages: the console hears it as events, start and end. */
  private onStorage(trouble: StorageError | undefined): void {
    if (trouble) {
      this.log({
        level: 'error',
        msg: `remote ${this.id}: config messages wait for the disk`,
        error: trouble.message,
      });
      this.telemetry.report({
        severity: 'critical',
        code: trouble.eventCode,
        at: Date.now(),
        message:
          `${trouble.message}. Config messages wait, unacknowledged, and are applied once it can be ` +
          'written again; nothing needs to be pushed again.',
      });
    } else {
      this.log({ level: 'info', msg: `remote ${this.id}: the disk can be written again` });
      this.telemetry.report({
        severity: 'info',
        code: 'disk-writable',
        at: Date.now(),
        message: 'The disk can be written again; the config messages that waited go on.',
      });
    }
  }
}
