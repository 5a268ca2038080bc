import { silentLog, type LogSink } from '../../../src-node/log';
import { sha256 } from '../../../src-node/crypto/sha256';
import { comparableText } from '../../../src-shared/config/comparable-text';
import { withSoaSerial } from '../../../src-shared/config/zone-serial';
import {
  driftChanges,
  objectsView,
  shortHash,
  type DriftChange,
  type OwnedObject,
  type RemoteInventory,
} from '../../../src-shared/inventory/drift';
import type { ObjectHistory, ObjectView, ObjectsView } from '../../../src-shared/ipc/inventory-views';
import { ServedBody, type Body } from '../../../src-shared/protocol';
import { errorText } from '../../../src-shared/util/error-text';
import { mapBounded } from '../../../src-shared/util/map-bounded';
import { TypedEmitter } from '../../../src-shared/util/typed-emitter';
import type { ConsoleCore } from '../console-core';
import type { Db } from '../store/database';
import type { EventStore } from '../store/event-store';
import { InventoryStore } from '../store/inventory-store';
import type { ObjectVersionRow, PushStore } from '../store/push-store';

/** At most this many `served` queries wait at once: a refresh of 1,000 remotes must not ask them all in one tick. */
const REFRESH_CONCURRENCY = 16;
const DEFAULT_REFRESH_TIMEOUT_MS = 5_000;
const DEFAULT_CHANGED_INTERVAL_MS = 500;
/** Inventories and results come in bursts (a fleet reconnecting): the view is recomputed once per burst. */
const DEFAULT_SETTLE_MS = 100;

export interface RefreshOutcome {
  /** Remotes asked (online ones among those named). */
  asked: string[];
  /** Answers stored. */
  stored: number;
  /** Named but not online: not asked, their stored inventory stays as it is. */
  offline: string[];
  /** Asked and no valid inventory came back: no answer in time, an error, or an answer that did not validate. */
  failed: { remoteId: string; error: string }[];
}

export interface InventoryCounters {
  /** Inventories stored (pushed or answered). */
  stored: number;
  /** Pushed inventories older than the stored one, ignored. */
  stale: number;
  /** Answers to the `served` query that did not validate (not stored). */
  invalidAnswers: number;
}

export interface AttachedInventory {
  /** Every object the profile owns or a remote serves, classified per remote (docs/inventory.md). */
  objects(): ObjectsView;
  /** One object's view, by object key (`zone:<name>`, `scope:<cidr>`); undefined when nothing knows it. */
  object(key: string): ObjectView | undefined;
  /** Every version this profile pushed of the object, newest first; undefined when it never pushed it. */
  history(key: string): ObjectHistory | undefined;
  /** Asks the named (default: all) online remotes for their inventory now, stores the valid answers, re-evaluates. */
  refresh(remoteIds?: readonly string[]): Promise<RefreshOutcome>;
  /** The view changed (an inventory came, a push applied somewhere): at most once per interval. */
  onChanged(listener: (e: { at: number; driftedRemotes: number }) => void): () => void;
  counters(): InventoryCounters;
  close(): void;
}

/** What of the core the inventory uses: a test may stand in for it. */
export type InventoryCore = Pick<ConsoleCore, 'onFleetMessage' | 'onResults' | 'query'> & {
  fleet: Pick<ConsoleCore['fleet'], 'selectable'>;
};

export interface InventoryOptions {
  log?: LogSink;
  now?: () => number;
  refreshTimeoutMs?: number;
  changedIntervalMs?: number;
  settleMs?: number;
}

/**
 * Keeps every remote's newest served inventory in the profile's database (stored before the core
 * acknowledges it), classifies each object against what this profile intends, writes a drift event to
 * the remote's events when a pair drifts or comes back in sync, and tells listeners the view changed.
 */
export function attachInventory(
  core: InventoryCore,
  db: Db,
  deps: { pushes: PushStore; events: EventStore },
  opts: InventoryOptions = {},
): AttachedInventory {
  const log = opts.log ?? silentLog;
  const now = opts.now ?? Date.now;
  const store = new InventoryStore(db);
  const emitter = new TypedEmitter<{ changed: { at: number; driftedRemotes: number } }>({
    onError: (_, e) => log({ level: 'error', msg: 'objectsChanged listener failed', error: String(e) }),
  });
  const counters: InventoryCounters = { stored: 0, stale: 0, invalidAnswers: 0 };
  /**
   * A push's digests, read and hashed once per push (a zone is hashed once, not on every view): `hash` of
   * its comparable text, `content` of a zone's text with its SOA serial set to 0 (equal for content that
   * differs only there; null for anything but a zone). Null: the push's payload is gone.
   */
  const digests = new Map<string, { hash: string; content: string | null } | null>();
  const digestOf = (pushId: string): { hash: string; content: string | null } | null => {
    if (digests.has(pushId)) return digests.get(pushId) ?? null;
    const payload = deps.pushes.payloadOf(pushId);
    const zone = payload?.format === 'zone-text' ? withSoaSerial(payload.text, 0) : undefined;
    const d =
      payload === undefined
        ? null
        : { hash: sha256(comparableText(payload)), content: zone === undefined ? null : sha256(zone) };
    digests.set(pushId, d);
    return d;
  };
  const hashOf = (pushId: string): string | null => digestOf(pushId)?.hash ?? null;
  const contentHashOf = (pushId: string): string | null => digestOf(pushId)?.content ?? null;
  let closed = false;

  /** The hashes of the other versions of `intended`'s content apart from the serial (OwnedObject.sameContent). */
  const sameContentHashes = (versions: readonly ObjectVersionRow[], intended: ObjectVersionRow): string[] => {
    const content = intended.op === 'delete' ? null : contentHashOf(intended.pushId);
    if (content === null) return [];
    const same: string[] = [];
    for (const v of versions) {
      if (v === intended || v.op !== 'upsert' || contentHashOf(v.pushId) !== content) continue;
      const h = hashOf(v.pushId);
      if (h !== null) same.push(h);
    }
    return same;
  };

  const owned = (): OwnedObject[] => {
    const byKey = new Map<string, ObjectVersionRow[]>();
    for (const v of deps.pushes.objectVersions()) {
      const list = byKey.get(v.key);
      if (list) list.push(v);
      else byKey.set(v.key, [v]);
    }
    const applied = deps.pushes.appliedTo();
    const out: OwnedObject[] = [];
    for (const [key, versions] of byKey) {
      const intended = versions.find((v) => v.applied > 0);
      // Pushed but applied nowhere yet: the console intends nothing a remote could be compared with.
      if (intended === undefined) continue;
      out.push({
        key,
        object: (versions[0] as ObjectVersionRow).object,
        versions: versions.length,
        appliedTo: applied.get(key) ?? [],
        sameContent: sameContentHashes(versions, intended),
        intended: {
          version: intended.version,
          op: intended.op,
          sha256: intended.op === 'delete' ? null : hashOf(intended.pushId),
          pushId: intended.pushId,
          at: intended.createdAt,
        },
      });
    }
    return out;
  };

  const inventories = (): RemoteInventory[] => {
    const { inventories: stored, corrupt } = store.all();
    for (const id of corrupt)
      log({ level: 'warn', msg: `stored served inventory of ${id} does not read back; skipped` });
    return stored.map((s) => ({ remoteId: s.remoteId, served: s.served, receivedAt: s.receivedAt }));
  };

  /**
   * What the view is computed from, read again only when the database changed: `data_version` moves
   * when another connection commits (the push engine's, another process of the profile),
   * `total_changes()` when this one wrote anything. A renderer asking after every objectsChanged does
   * not parse every inventory each time.
   */
  const changesOf = db.prepare<[], { n: number }>('SELECT total_changes() AS n');
  let inputs: { stamp: string; owned: OwnedObject[]; inventories: RemoteInventory[] } | undefined;
  const current = () => {
    const stamp = `${String(db.pragma('data_version', { simple: true }))}/${changesOf.get()?.n ?? 0}`;
    if (inputs?.stamp !== stamp) inputs = { stamp, owned: owned(), inventories: inventories() };
    return inputs;
  };
  const objects = (): ObjectsView => {
    const { owned: o, inventories: i } = current();
    return objectsView(o, i, now());
  };

  const describe = (key: string, view: ObjectsView): string => {
    const o = view.objects.find((x) => x.key === key)?.object;
    if (o === undefined) return key.replace(':', ' ');
    return o.kind === 'zone' ? `zone ${o.name}` : `scope ${o.subnet}`;
  };

  const eventOf = (c: DriftChange, view: ObjectsView): Body<'event'> => {
    const what = describe(c.key, view);
    const intended = view.objects.find((o) => o.key === c.key)?.intended;
    const wanted =
      intended === undefined || intended === null
        ? 'nothing'
        : `version ${intended.version} (${intended.op === 'delete' ? 'a delete' : shortHash(intended.sha256)})`;
    if (c.kind === 'clear') {
      return {
        severity: 'info',
        code: 'drift-resolved',
        message: c.row ? `${what} is in sync again: serves ${wanted}` : `${what} is no longer compared here`,
      };
    }
    const served = `serves ${shortHash(c.row.servedSha256)}${c.row.servedVersion ? ` (version ${c.row.servedVersion})` : ''}`;
    const message =
      c.raised.state === 'missing'
        ? `${what} is missing: it was applied here and is no longer served; intended ${wanted}`
        : `${what} drifted: ${served}, intended ${wanted}`;
    return { severity: 'warning', code: 'drift', message };
  };

  /** Classifies, raises what changed (read and written in one transaction: no two processes raise one drift twice). */
  const evaluate = (): ObjectsView | undefined => {
    if (closed) return undefined;
    try {
      const view = objects();
      store.transaction(() => {
        const at = now();
        for (const c of driftChanges(store.raised(), view)) {
          store.setRaised(c.key, c.remoteId, c.kind === 'raise' ? c.raised : null, at);
          deps.events.addFor(c.remoteId, eventOf(c, view), at);
        }
      });
      changed(view);
      return view;
    } catch (e) {
      log({ level: 'error', msg: 'the drift view could not be evaluated', error: errorText(e) });
      return undefined;
    }
  };

  let lastChanged = -Infinity;
  let pendingChanged: ObjectsView | undefined;
  let changedTimer: NodeJS.Timeout | undefined;
  const interval = opts.changedIntervalMs ?? DEFAULT_CHANGED_INTERVAL_MS;
  const fire = (view: ObjectsView) => {
    lastChanged = now();
    emitter.emit('changed', { at: view.generatedAt, driftedRemotes: view.driftedRemotes.length });
  };
  const changed = (view: ObjectsView) => {
    const wait = lastChanged + interval - now();
    if (wait <= 0 && changedTimer === undefined) return fire(view);
    pendingChanged = view;
    changedTimer ??= setTimeout(
      () => {
        changedTimer = undefined;
        const v = pendingChanged;
        pendingChanged = undefined;
        if (v !== undefined && !closed) fire(v);
      },
      Math.max(0, wait),
    );
    changedTimer.unref();
  };

  let settleTimer: NodeJS.Timeout | undefined;
  const soon = () => {
    if (closed || settleTimer !== undefined) return;
    settleTimer = setTimeout(() => {
      settleTimer = undefined;
      evaluate();
    }, opts.settleMs ?? DEFAULT_SETTLE_MS);
    settleTimer.unref();
  };

  const offFleet = core.onFleetMessage((env, at) => {
    if (env.type !== 'served') return;
    // A remote the console does not know yet (another profile's fleet, or its hello still queued) is
    // stored all the same: it is known by its hello later, and its inventory is then already here.
    try {
      if (store.put(env.from, env.ts, env.body, at)) {
        counters.stored++;
        soon();
      } else counters.stale++;
    } catch (e) {
      log({ level: 'error', msg: `served inventory of ${env.from} not stored`, error: errorText(e) });
    }
  });
  // A push applied somewhere moves what the console intends.
  const offResults = core.onResults((rs) => {
    if (rs.some((r) => r.body.state === 'applied' || r.body.state === 'rolled-back')) soon();
  });

  const refresh = async (remoteIds?: readonly string[]): Promise<RefreshOutcome> => {
    const online = new Set(
      core.fleet
        .selectable()
        .filter((r) => r.status === 'online')
        .map((r) => r.id),
    );
    const wanted = remoteIds === undefined ? [...online].sort() : [...new Set(remoteIds)];
    const asked = wanted.filter((id) => online.has(id));
    const outcome: RefreshOutcome = {
      asked,
      stored: 0,
      offline: wanted.filter((id) => !online.has(id)),
      failed: [],
    };
    await mapBounded(asked, REFRESH_CONCURRENCY, async (remoteId) => {
      try {
        const reply = await core.query(
          remoteId,
          { query: 'served' },
          { timeoutMs: opts.refreshTimeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS },
        );
        if (!reply.ok) {
          outcome.failed.push({ remoteId, error: reply.error });
          return;
        }
        const served = ServedBody.safeParse(reply.data);
        if (!served.success) {
          counters.invalidAnswers++;
          const error = `its served inventory does not validate: ${served.error.issues[0]?.message ?? 'invalid'}`;
          log({ level: 'warn', msg: `served answer of ${remoteId} not stored`, error });
          outcome.failed.push({ remoteId, error });
          return;
        }
        if (closed) return;
        store.putAnswer(remoteId, served.data, now());
        counters.stored++;
        outcome.stored++;
      } catch (e) {
        outcome.failed.push({ remoteId, error: errorText(e) });
      }
    });
    evaluate();
    return outcome;
  };

  const history = (key: string): ObjectHistory | undefined => {
    const versions = deps.pushes.objectVersions(key);
    const newest = versions[0];
    if (newest === undefined) return undefined;
    return {
      key,
      object: newest.object,
      intendedVersion: versions.find((v) => v.applied > 0)?.version ?? null,
      versions: versions.map((v) => {
        const payload = v.op === 'delete' ? undefined : deps.pushes.payloadOf(v.pushId);
        const text = payload === undefined ? null : comparableText(payload);
        return {
          version: v.version,
          op: v.op,
          pushId: v.pushId,
          author: v.author,
          createdAt: v.createdAt,
          sha256: text === null ? null : sha256(text),
          appliedTo: v.applied,
          text,
        };
      }),
    };
  };

  // What was stored before this start is classified now; what was raised then is not raised again.
  evaluate();

  return {
    objects,
    object: (key) => objects().objects.find((o) => o.key === key),
    history,
    refresh,
    onChanged: (listener) => emitter.on('changed', listener),
    counters: () => ({ ...counters }),
    close: () => {
      closed = true;
      offFleet();
      offResults();
      clearTimeout(settleTimer);
      clearTimeout(changedTimer);
    },
  };
}
