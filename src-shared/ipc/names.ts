import type { CallFn, SmtApi, SubscribeFn } from './contract';

/**
 * The contract's names without its schemas. The sandboxed preload bundles this module, not contract.ts,
 * so it carries no zod (with the schemas it was about 800 KB, 751 KB of it zod). contract.ts keys its calls
 * and events by these lists (`satisfies`), so the compiler refuses a name missing from either side.
 */
export const callNames = [
  'getStartState',
  'unlockProfile',
  'getFleet',
  'getConnection',
  'getRejects',
  'getTrend',
  'getRemoteEvents',
  'runCommand',
  'getServed',
  'getLeases',
  'listPushedObjects',
  'listObjects',
  'getObjectHistory',
  'planReconcile',
  'planRevert',
  'adoptServed',
  'listAlerts',
  'ackAlerts',
  'getAlertRules',
  'saveAlertRules',
  // Host reservations (issue 17).
  'getIntendedScope',
  'planReservations',
  // issue 17, DHCP pools
  'listPools',
  'listDrafts',
  'getDraft',
  'saveDraft',
  'deleteDraft',
  'checkDraft',
  'getRemoteDeliveries',
  'queryAudit',
  'exportAuditCsv',
  'getBrokerPath',
  'previewPush',
  'startPush',
  'listPushes',
  'getPush',
  'cancelPush',
  'retryPush',
  'listProfiles',
  'switchProfile',
  'importProfile',
  // DNS (issue 17)
  'findName',
  // Lease search (docs/dhcp.md, issue 17).
  'searchLeases',
  // issue 17, Kea HA
  'listHa',
] as const;
export const eventNames = [
  'fleetPatch',
  'connectionChanged',
  'pushProgress',
  'profileChanged',
  'objectsChanged',
  'alertsChanged',
  'alertNotice',
  'startStateChanged',
] as const;

export type CallName = (typeof callNames)[number];
export type EventName = (typeof eventNames)[number];

/** `fleetPatch` → `onFleetPatch`: the named subscription the preload exposes. */
export type SubscribeName<E extends EventName> = `on${Capitalize<E>}`;
export const subscribeName = <E extends EventName>(e: E) =>
  `on${e.charAt(0).toUpperCase()}${e.slice(1)}` as SubscribeName<E>;

/**
 * Builds the named API from one function per call and per event (the preload's ipcRenderer calls, the
 * bridge's frames), so every call of the contract is exposed under its own name and nothing else is.
 */
export function namedApi(
  call: <C extends CallName>(name: C) => CallFn<C>,
  subscribe: <E extends EventName>(name: E) => SubscribeFn<E>,
): SmtApi {
  // Object.fromEntries loses the per-key types that the mapped SmtApi type states; the keys are exactly
  // the contract's names, each paired with the function built for that name.
  return Object.fromEntries([
    ...callNames.map((name) => [name, call(name)]),
    ...eventNames.map((name) => [subscribeName(name), subscribe(name)]),
  ]) as SmtApi;
}
