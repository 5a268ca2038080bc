import { objectKey } from '../../src-shared/config/object-key';
import { channels, makeEnvelope, MAX_SERVED_OBJECTS, type Body } from '../../src-shared/protocol';
import { errorText } from '../../src-shared/util/error-text';
import type { LogSink } from '../../src-node/log';
import { publish, type SmtConnection } from '../../src-node/smt';
import type { DhcpTarget, DnsTarget } from '../targets/types';

type ServedBody = Body<'served'>;
type ServedObject = ServedBody['objects'][number];
type Source = ServedBody['sources'][number];

/** Many signals in a burst (a push of many zones, an editor's several writes) make one inventory. */
export const INVENTORY_DEBOUNCE_MS = 500;

export interface ServedInventoryOptions {
  id: string;
  conn: SmtConnection;
  dns?: DnsTarget;
  dhcp?: DhcpTarget;
  /** The version the ledger last applied for an objectKey, if any. */
  lastApplied: (objectKey: string) => number | undefined;
  log: LogSink;
  debounceMs?: number;
  now?: () => number;
}

/** What a console compares between two inventories: everything but `seq`. */
const sameContent = (a: ServedBody | undefined, b: ServedBody) =>
  a !== undefined &&
  a.truncated === b.truncated &&
  JSON.stringify([a.sources, a.objects]) === JSON.stringify([b.sources, b.objects]);

const sortKey = (o: ServedObject) =>
  o.object.kind === 'zone' ? `zone:${o.object.name}` : `scope:${o.object.subnet}`;

/**
 * The remote's served inventory: every zone and scope its servers serve, whole, sent after each hello
 * and again when a target's change signal fires or a config was applied — only when it differs from the
 * one sent last. The `served` query answers the same body, built fresh.
 */
export class ServedInventory {
  private seq = 0;
  private last: ServedBody | undefined;
  private lastSent: ServedBody | undefined;
  /** `objectKey\nsha256` → when this process first saw that object served with that hash. */
  private since = new Map<string, number>();
  private building: Promise<ServedBody> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unwatch: (() => void)[] = [];
  private stopped = true;

  constructor(private readonly opts: ServedInventoryOptions) {}

  /** Starts the targets' change signals. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    for (const t of [this.opts.dns, this.opts.dhcp]) {
      if (t) this.unwatch.push(t.watch(() => this.changed()));
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.unwatch.splice(0).forEach((u) => u());
  }

  /** Something may have changed (a signal, an apply): one debounced look, sent only if it differs. */
  changed(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.send(false).catch((e: unknown) =>
        this.opts.log({
          level: 'warn',
          msg: `remote ${this.opts.id}: inventory not built`,
          error: errorText(e),
        }),
      );
    }, this.opts.debounceMs ?? INVENTORY_DEBOUNCE_MS);
  }

  /** A session opened (after the hello): the inventory goes out whether or not it changed. */
  afterHello(): Promise<void> {
    return this.send(true);
  }

  /** The inventory as of now (the `served` query's answer). */
  current(): Promise<ServedBody> {
    // One read of the servers at a time: a query during a signal's build shares its answer.
    this.building ??= this.build().finally(() => {
      this.building = undefined;
    });
    return this.building;
  }

  private async send(always: boolean): Promise<void> {
    if (this.stopped) return;
    // A build that began before the signal may have read the servers before the change: read again.
    await this.building?.catch(() => undefined);
    const body = await this.current();
    if (!always && sameContent(this.lastSent, body)) return;
    if (this.opts.conn.state.kind !== 'connected') return;
    const sent = this.lastSent;
    this.lastSent = body;
    try {
      await publish(this.opts.conn, channels.served.sendTo(), makeEnvelope('served', this.opts.id, body), {
        receipt: true,
      });
    } catch (e) {
      // The next session's hello sends it again, whatever it is then.
      if (this.lastSent === body) this.lastSent = sent;
      this.opts.log({
        level: 'debug',
        msg: `remote ${this.opts.id}: inventory not sent`,
        error: errorText(e),
      });
    }
  }

  private async build(): Promise<ServedBody> {
    const now = (this.opts.now ?? Date.now)();
    const sources: Source[] = [];
    const objects: Omit<ServedObject, 'since' | 'version'>[] = [];
    const unreadable = new Set<'zone' | 'scope'>();
    const read = async <T>(
      service: Source['service'],
      kind: 'zone' | 'scope',
      target: { inventory(): Promise<T[]> } | undefined,
      toObject: (entry: T) => Omit<ServedObject, 'since' | 'version'>,
    ) => {
      if (!target) return;
      try {
        objects.push(...(await target.inventory()).map(toObject));
        sources.push({ service, readable: true });
      } catch (e) {
        unreadable.add(kind);
        sources.push({ service, readable: false, error: errorText(e).slice(0, 2000) });
      }
    };
    await Promise.all([
      read('named', 'zone', this.opts.dns, (z) => ({
        object: { kind: 'zone', name: z.name },
        sha256: z.sha256,
        ...(z.serial !== undefined ? { serial: z.serial } : {}),
      })),
      read('kea-dhcp4', 'scope', this.opts.dhcp, (s) => ({
        object: { kind: 'scope', subnet: s.subnet },
        sha256: s.sha256,
      })),
    ]);
    sources.sort((a, b) => a.service.localeCompare(b.service));

    const since = new Map<string, number>();
    // An unreadable service's objects are unknown, not gone: their `since` survives the outage.
    for (const [key, at] of this.since) {
      if (unreadable.has(key.startsWith('zone:') ? 'zone' : 'scope')) since.set(key, at);
    }
    const full: ServedObject[] = objects.map((o) => {
      const key = objectKey(o.object);
      const sinceKey = `${key}\n${o.sha256 ?? ''}`;
      const at = this.since.get(sinceKey) ?? now;
      since.set(sinceKey, at);
      return { ...o, version: this.opts.lastApplied(key) ?? null, since: at };
    });
    this.since = since;
    full.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));

    const body: ServedBody = {
      seq: this.seq,
      sources,
      objects: full.slice(0, MAX_SERVED_OBJECTS),
      truncated: full.length > MAX_SERVED_OBJECTS,
    };
    // The same inventory keeps its number; a different one gets the next.
    if (sameContent(this.last, body)) body.seq = this.last?.seq ?? this.seq;
    else body.seq = ++this.seq;
    this.last = body;
    return body;
  }
}
