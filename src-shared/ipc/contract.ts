import { z } from 'zod';
import type { IpcResult } from './result';
import type { CallName, EventName, SubscribeName } from './names';
import { TrendQuery, TrendSeries } from '../trends/trend';
import { AuditCsv, AuditPage, AuditQuery } from './audit-views';
import { BrokerPathView } from './broker-views';
import { RemoteDeliveries, RemoteDeliveriesQuery } from './delivery-views';
import { MessageId } from '../protocol';
import { PushPreview } from '../push/preview';
import { PreviewRequest } from '../push/request';
import {
  CancelPushOutcome,
  PushDetail,
  PushListItem,
  PushProgressEvent,
  StartPushRequest,
  StartedPush,
} from './push-views';
import {
  ProfileImportForm,
  ProfileSummary,
  StartState,
  SwitchProfileRequest,
  UnlockRequest,
} from './profile-views';
import { CommandOutcome, CommandRequest, RemoteEvent, RemoteEventsQuery } from './remote-views';
import {
  Draft,
  DraftCheck,
  DraftId,
  DraftInput,
  DraftSummary,
  LeasesQuery,
  LeasesView,
  ServedQuery,
  ServedView,
} from './draft-views';
import { ConfigObject } from '../protocol';
import { IntendedScopeQuery, IntendedScopeView, ReservationsPlanQuery } from './reservation-views';
import {
  AckOutcome,
  AckRequest,
  AlertNotice,
  AlertRules,
  AlertsChanged,
  AlertsQuery,
  AlertsView,
} from './alert-views';
import { PoolsQuery, PoolsView } from './pool-views';
import { HaQuery, HaView } from './ha-views';
import {
  AdoptQuery,
  ObjectHistory,
  ObjectQuery,
  ObjectsView,
  PlannedPush,
  ReconcileQuery,
  RevertQuery,
} from './inventory-views';
import { ConnectionStatus, FleetPatch, FleetSnapshot, RejectCounters } from './views';
import { FindNameQuery, FindNameView } from './dns-views';
import { LeaseSearchRequest, LeaseSearchView } from './lease-views';

/**
 * The one contract between the renderer and the core (design.md §8), used by the Electron preload, the
 * ipcMain adapter, the browser host's WebSocket bridge and the renderer. Arguments are a tuple schema so
 * each side validates what it receives.
 */
export const calls = {
  // First run and unlocking (docs/profiles.md): answered with or without an open profile.
  getStartState: { args: z.tuple([]), result: StartState },
  /** Opens a profile from the unlock screen; a wrong passphrase answers `forbidden` and changes nothing. */
  unlockProfile: { args: z.tuple([UnlockRequest]), result: ProfileSummary },
  // The fleet and the broker link.
  getFleet: { args: z.tuple([]), result: FleetSnapshot },
  getConnection: { args: z.tuple([]), result: ConnectionStatus },
  getRejects: { args: z.tuple([]), result: RejectCounters },
  // One remote.
  getTrend: { args: z.tuple([TrendQuery]), result: TrendSeries },
  getRemoteEvents: { args: z.tuple([RemoteEventsQuery]), result: z.array(RemoteEvent) },
  /** Resolves once every remote answered or the wait ran out (those are `waiting`). */
  runCommand: { args: z.tuple([CommandRequest]), result: z.array(CommandOutcome) },
  // What a remote serves, asked of the remote itself (it must be online).
  getServed: { args: z.tuple([ServedQuery]), result: ServedView },
  getLeases: { args: z.tuple([LeasesQuery]), result: LeasesView },
  /** Zones and scopes this profile has pushed: the choices the served view offers. */
  listPushedObjects: { args: z.tuple([]), result: z.array(ConfigObject) },
  // Zones & Scopes (docs/inventory.md): intended against served, per remote, from the stored inventories.
  listObjects: { args: z.tuple([]), result: ObjectsView },
  getObjectHistory: { args: z.tuple([ObjectQuery]), result: ObjectHistory },
  /** A push request (not sent): the intended version again to drifted and missing remotes. */
  planReconcile: { args: z.tuple([ReconcileQuery]), result: PlannedPush },
  /** A push request (not sent): an earlier version's content as a new version. */
  planRevert: { args: z.tuple([RevertQuery]), result: PlannedPush },
  /** What one remote serves for the object, saved as a new draft (asks the remote: it must be online). */
  adoptServed: { args: z.tuple([AdoptQuery]), result: Draft },
  // Alerts (docs/alerts.md): fleet-wide, with rules per profile.
  listAlerts: { args: z.tuple([AlertsQuery]), result: AlertsView },
  /** Acknowledges firing alerts (audited, with the comment); they resolve on their own. */
  ackAlerts: { args: z.tuple([AckRequest]), result: AckOutcome },
  getAlertRules: { args: z.tuple([]), result: AlertRules },
  /** Replaces the profile's rules; a rule that makes no sense is refused with the field that is wrong. */
  saveAlertRules: { args: z.tuple([AlertRules]), result: AlertRules },
  // Host reservations (docs/reservations.md): edited per scope, pushed on the ordinary push path.
  /** The scope as this profile intends it, with the remotes a change of it goes to. */
  getIntendedScope: { args: z.tuple([IntendedScopeQuery]), result: IntendedScopeView },
  /** A push request (not sent): the intended scope with the edited reservations; collisions are refused. */
  planReservations: { args: z.tuple([ReservationsPlanQuery]), result: PlannedPush },
  // --- issue 17, DHCP pools (docs/dhcp.md) ---
  /** Every remote's DHCP subnets and pools, fullest first, with trend and exhaustion forecast. */
  listPools: { args: z.tuple([PoolsQuery]), result: PoolsView },
  // --- end issue 17, DHCP pools ---
  // Drafts (docs/drafts.md): all but checkDraft work with no broker.
  listDrafts: {
    args: z.tuple([]),
    /** `corrupt` says which stored drafts do not read back (left out of `drafts`). */
    result: z.object({ drafts: z.array(DraftSummary), corrupt: z.array(z.string()) }),
  },
  getDraft: { args: z.tuple([z.object({ id: DraftId })]), result: Draft },
  /** Saved even with problems; the answer lists them. */
  saveDraft: { args: z.tuple([DraftInput]), result: Draft },
  deleteDraft: { args: z.tuple([z.object({ id: DraftId })]), result: z.object({ deleted: DraftId }) },
  /** Asks the draft's targets what they serve now; conflicts where a version moved past the base. */
  checkDraft: { args: z.tuple([z.object({ id: DraftId })]), result: DraftCheck },
  /** This remote's recent deliveries and what still waits to reach it, from the outbox. */
  getRemoteDeliveries: { args: z.tuple([RemoteDeliveriesQuery]), result: RemoteDeliveries },
  // The audit trail (docs/audit.md): search, and the same search as CSV.
  queryAudit: { args: z.tuple([AuditQuery]), result: AuditPage },
  exportAuditCsv: { args: z.tuple([AuditQuery]), result: AuditCsv },
  // The broker path (docs/broker.md): the brokers, and each remote's queues as the broker counts them.
  getBrokerPath: { args: z.tuple([]), result: BrokerPathView },
  // Pushes: preview, start, follow, cancel and retry (docs/push.md, "The Push screen").
  /** Asks every target what it serves now; nothing is written or sent but queries. */
  previewPush: { args: z.tuple([PreviewRequest]), result: PushPreview },
  /** Resolves once the outbox holds the push, before anything is sent. */
  startPush: { args: z.tuple([StartPushRequest]), result: StartedPush },
  /** The most recent pushes first. */
  listPushes: { args: z.tuple([]), result: z.array(PushListItem) },
  getPush: { args: z.tuple([MessageId]), result: PushDetail },
  cancelPush: { args: z.tuple([MessageId]), result: CancelPushOutcome },
  retryPush: { args: z.tuple([MessageId]), result: z.object({ retried: z.number().int() }) },
  // IPAM profiles (docs/profiles.md): the list, switching without a restart, importing a bundle.
  listProfiles: { args: z.tuple([]), result: z.array(ProfileSummary) },
  /** Resolves with the new active profile once its session is open; `profileChanged` follows. */
  switchProfile: { args: z.tuple([SwitchProfileRequest]), result: ProfileSummary },
  /**
   * Keys are sealed at rest before this resolves and never come back over the contract. With no profile
   * open, the imported one is opened.
   */
  importProfile: { args: z.tuple([ProfileImportForm]), result: ProfileSummary },
  // DNS across the fleet (docs/dns.md, issue 17).
  /** Asks every online DNS remote serving a zone that holds the name what its named answers. */
  findName: { args: z.tuple([FindNameQuery]), result: FindNameView },
  // Lease search (docs/dhcp.md): asks the online DHCPv4 remotes; a malformed value is `bad-request`.
  searchLeases: { args: z.tuple([LeaseSearchRequest]), result: LeaseSearchView },
  // --- issue 17, Kea HA (docs/dhcp.md, "HA") ---
  /** Kea HA pairs, each side as its remote reported it and the pair's verdict; per remote or fleet-wide. */
  listHa: { args: z.tuple([HaQuery]), result: HaView },
  // --- end issue 17, Kea HA ---
} as const satisfies Record<CallName, { args: z.ZodType; result: z.ZodType }>;

/** Events pushed from the core; the preload exposes each as a named `on<Name>` subscription. */
export const events = {
  fleetPatch: FleetPatch,
  connectionChanged: ConnectionStatus,
  pushProgress: PushProgressEvent,
  /** Another profile is active: everything fleet-, connection- and remote-specific is to be loaded again. */
  profileChanged: ProfileSummary,
  /**
   * A remote's served inventory arrived or an object's intended version moved: Zones & Scopes loads again.
   * At most one every 500 ms; `driftedRemotes` is the count the navigation shows.
   */
  objectsChanged: z.object({
    at: z.number().int().nonnegative(),
    driftedRemotes: z.number().int().nonnegative(),
  }),
  /** An alert fired, was acknowledged or resolved: the top bar's count, and the Alerts screen reloads. */
  alertsChanged: AlertsChanged,
  /** A desktop notification to raise (at most one a rule per minute; AlertNotice). */
  alertNotice: AlertNotice,
  /** Onboarding, locked or open changed (an unlock, a first import); the renderer picks its screen by it. */
  startStateChanged: StartState,
} as const satisfies Record<EventName, z.ZodType>;

export type { CallName, EventName };
export type CallArgs<C extends CallName> = z.infer<(typeof calls)[C]['args']>;
export type CallResult<C extends CallName> = z.infer<(typeof calls)[C]['result']>;
/** Every event's payload by its name: the map a TypedEmitter of the contract's events is typed by. */
export type EventPayloads = { [E in EventName]: z.infer<(typeof events)[E]> };
export type EventPayload<E extends EventName> = EventPayloads[E];

export type CallFn<C extends CallName> = (...args: CallArgs<C>) => Promise<IpcResult<CallResult<C>>>;
export type SubscribeFn<E extends EventName> = (listener: (payload: EventPayload<E>) => void) => () => void;

/** What the renderer sees as `window.smt`: named calls and named subscriptions, nothing generic. */
export type SmtApi = { [C in CallName]: CallFn<C> } & {
  [E in EventName as SubscribeName<E>]: SubscribeFn<E>;
};

/** What a host (Electron main, browser host) needs from the core to serve the contract. */
export interface SmtBackend {
  handle<C extends CallName>(call: C, args: CallArgs<C>): Promise<IpcResult<CallResult<C>>>;
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
