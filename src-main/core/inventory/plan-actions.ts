import type { z } from 'zod';
import {
  serialAbove,
  SerialSpreadError,
  soaSerialOf,
  withSoaSerial,
} from '../../../src-shared/config/zone-serial';
import type {
  ObjectView,
  PlannedPush,
  RemoteObjectView,
  SyncState,
} from '../../../src-shared/ipc/inventory-views';
import type { ConfigPayload } from '../../../src-shared/protocol';
import { objectLabel } from '../push/preview';
import type { PushRecord, PushStore } from '../store/push-store';

type Payload = z.infer<typeof ConfigPayload>;

/** A reconcile or revert that cannot be planned; `code` is the CallError code the handlers answer with. */
export class ActionRefused extends Error {
  override name = 'ActionRefused';
  constructor(
    readonly code: 'bad-request' | 'not-found',
    message: string,
  ) {
    super(message);
  }
}

/** Everything already serves the intended version: not a mistake, just nothing to send. */
export class NothingToReconcile extends ActionRefused {
  override name = 'NothingToReconcile';
  constructor(message: string) {
    super('bad-request', message);
  }
}

/** What planning reads of the outbox: every push of the object is kept, with its payload. */
export interface PushHistory {
  /** PushStore.maxVersion: the highest version pushed for the object, 0 if none. */
  maxVersion: number;
  /** PushStore.pushAt for this object. */
  pushAt(version: number): PushRecord | undefined;
}

/** The outbox's history of one object, as planning reads it. */
export function historyIn(
  store: Pick<PushStore, 'maxVersion' | 'pushAt'>,
  object: ObjectView['object'],
): PushHistory {
  return { maxVersion: store.maxVersion(object), pushAt: (version) => store.pushAt(object, version) };
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const remotesWord = (n: number) => `${n} remote${n === 1 ? '' : 's'}`;
const REPAIRABLE: readonly SyncState[] = ['drifted', 'missing'];

/**
 * The payload with its zone's SOA serial raised past every serial in `floor` (what the targets serve, and
 * what this profile pushed), so named takes it even where the zone was edited by hand with a higher serial.
 * A scope is returned as it is. Always raised for a zone, even when no served serial is higher: a zone edited
 * by hand without a new serial serves the intended serial with other content, and named refuses a serial
 * that is not later than the served one.
 */
function raisedPayload(
  view: ObjectView,
  payload: Payload,
  floor: readonly (number | null | undefined)[],
): { payload: Payload; serial?: number } {
  if (payload.format !== 'zone-text') return { payload };
  const own = soaSerialOf(payload.text);
  if (own === undefined) {
    throw new ActionRefused(
      'bad-request',
      `${objectLabel(view.object)}: the stored zone text has no SOA serial this console can read, so it cannot be raised above what the remotes serve; push the zone from a draft instead`,
    );
  }
  let serial: number;
  try {
    serial = serialAbove([own, ...floor.filter((s): s is number => typeof s === 'number')]);
  } catch (e) {
    if (e instanceof SerialSpreadError)
      throw new ActionRefused('bad-request', `${objectLabel(view.object)}: ${e.message}`);
    throw e;
  }
  return { payload: { format: 'zone-text', text: withSoaSerial(payload.text, serial) as string }, serial };
}

const zoneSerialOf = (push: PushRecord | undefined) =>
  push?.payload?.format === 'zone-text' ? soaSerialOf(push.payload.text) : undefined;

function planned(
  view: ObjectView,
  base: PushRecord,
  version: number,
  targets: readonly RemoteObjectView[],
  floor: readonly (number | null | undefined)[],
  say: (serial: string) => string,
): PlannedPush {
  const remoteIds = targets.map((r) => r.remoteId).sort(byId);
  const selector = { kind: 'ids' as const, ids: remoteIds };
  if (base.op === 'delete' || base.payload === undefined) {
    return { request: { object: view.object, version, op: 'delete', selector }, summary: say(''), remoteIds };
  }
  const raised = raisedPayload(view, base.payload, [...floor, ...targets.map((r) => r.serial)]);
  return {
    request: { object: view.object, version, op: 'upsert', payload: raised.payload, selector },
    summary: say(raised.serial === undefined ? '' : `, SOA serial ${raised.serial}`),
    remoteIds,
  };
}

/**
 * Reconcile: the intended version's content pushed again, as a new version (an agent's ledger answers a
 * version it already applied with superseded), to the drifted and missing remotes, or to those of them
 * named in `remoteIds`.
 */
export function planReconcile(
  view: ObjectView,
  history: PushHistory,
  remoteIds?: readonly string[],
): PlannedPush {
  const label = objectLabel(view.object);
  const intended = view.intended;
  if (intended === null) {
    throw new ActionRefused(
      'bad-request',
      `${label} was never pushed through this profile, so there is no intended version to reconcile to; adopt what a remote serves into a draft instead`,
    );
  }
  let targets: RemoteObjectView[];
  if (remoteIds === undefined) {
    targets = view.remotes.filter((r) => REPAIRABLE.includes(r.state));
    if (targets.length === 0) {
      const unknown = view.counts.unknown ?? 0;
      throw new NothingToReconcile(
        `everything serves the intended version of ${label} (version ${intended.version}): nothing to reconcile` +
          (unknown > 0 ? `; ${remotesWord(unknown)} not known yet, refresh the inventory to see them` : ''),
      );
    }
  } else {
    if (remoteIds.length === 0)
      throw new ActionRefused('bad-request', 'name at least one remote to reconcile');
    targets = [...new Set(remoteIds)].map((id) => {
      const r = view.remotes.find((x) => x.remoteId === id);
      if (!r)
        throw new ActionRefused(
          'bad-request',
          `${id} is not listed for ${label}: reconcile goes to drifted or missing remotes only`,
        );
      if (!REPAIRABLE.includes(r.state)) {
        throw new ActionRefused(
          'bad-request',
          `${id} is ${r.state} for ${label}: reconcile goes to drifted or missing remotes only`,
        );
      }
      return r;
    });
  }
  const base = history.pushAt(intended.version);
  if (!base) {
    throw new ActionRefused(
      'not-found',
      `version ${intended.version} of ${label} is not in this profile's push history`,
    );
  }
  const version = history.maxVersion + 1;
  return planned(
    view,
    base,
    version,
    targets,
    [zoneSerialOf(history.pushAt(history.maxVersion))],
    (serial) =>
      `reconcile ${label} to version ${intended.version} on ${remotesWord(targets.length)} (as version ${version}${serial})`,
  );
}

/**
 * Revert: an earlier version's content pushed as a new version to every remote the object is on (all
 * listed but the extra ones, which the console never pushed it to).
 */
export function planRevert(view: ObjectView, history: PushHistory, toVersion: number): PlannedPush {
  const label = objectLabel(view.object);
  const base = history.pushAt(toVersion);
  if (!base) {
    throw new ActionRefused(
      'not-found',
      history.maxVersion === 0
        ? `${label} was never pushed through this profile: there is no version ${toVersion} to revert to`
        : `${label} has no version ${toVersion} in this profile's push history (versions 1 to ${history.maxVersion})`,
    );
  }
  if (base.op === 'delete' || base.payload === undefined) {
    throw new ActionRefused(
      'bad-request',
      `version ${toVersion} of ${label} deleted it: there is no content to revert to; pick a version that set it`,
    );
  }
  const targets = view.remotes.filter((r) => r.state !== 'extra');
  if (targets.length === 0) {
    throw new ActionRefused(
      'bad-request',
      `${label} is on no remote this console pushed it to: push it from a draft instead`,
    );
  }
  const version = history.maxVersion + 1;
  const floor = [zoneSerialOf(history.pushAt(history.maxVersion))];
  if (view.intended) floor.push(zoneSerialOf(history.pushAt(view.intended.version)));
  return planned(
    view,
    base,
    version,
    targets,
    floor,
    (serial) =>
      `revert ${label} to the content of version ${toVersion} as version ${version} on ${remotesWord(targets.length)}${serial}`,
  );
}
