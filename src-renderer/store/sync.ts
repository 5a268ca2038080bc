import type { FleetPatch, IpcResult, PushProgressEvent, SmtApi } from '../../src-shared/ipc';
import type { StartState } from '../../src-shared/ipc/profile-views';
import type { LinkSource } from '../api/link';
import { perfMeasures } from '../../src-shared/perf-measures';
import { measureToPaint } from '../perf';
import type { SmtStore } from './index';

/** Patches held while the first snapshot loads; older ones are part of that snapshot anyway. */
const MAX_HELD_PATCHES = 200;

export interface SyncOptions {
  /** Patches that arrive within this window are applied as one update of the store. */
  batchMs?: number;
  rejectsEveryMs?: number;
}

/**
 * Keeps the store in step with the console: a full load whenever the link (re)opens, then events; fleet
 * patches are gathered and applied in batches so a busy fleet costs one render per batch, not per patch.
 */
export function startSync(
  api: SmtApi,
  link: LinkSource,
  store: SmtStore,
  opts: SyncOptions = {},
): () => void {
  const batchMs = opts.batchMs ?? 100;
  const s = () => store.getState();
  let queued: FleetPatch[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let loading = false;
  /** A reload asked for while one runs (a profile switch): run again once it is done. */
  let again = false;

  const flush = () => {
    flushTimer = null;
    // Until the first snapshot arrives there is nothing to patch: hold the latest patches for it.
    const since = s().fleetAt;
    if (since === null) {
      queued = queued.slice(-MAX_HELD_PATCHES);
      return;
    }
    const batch = queued;
    queued = [];
    s().applyPatches(batch);
    // From the oldest patch applied (not one the snapshot already held): its `at` is the core's clock,
    // on the same machine as this page.
    const oldest = batch.find((p) => p.at >= since);
    if (oldest) measureToPaint(perfMeasures.fleetPatch, oldest.at - performance.timeOrigin);
  };

  const value = <T>(result: IpcResult<T>, what: string): T | null => {
    if (result.ok) return result.value;
    s().setCallError(`Could not load ${what}: ${result.error.message}`);
    return null;
  };

  /** What the console shows first (onboarding, unlock, the app): the fleet is loaded only once open. */
  const loadStart = async (): Promise<void> => {
    const r = await api.getStartState();
    if (!r.ok) return s().setCallError(`Could not reach the console: ${r.error.message}`);
    takeStart(r.value);
  };
  const takeStart = (start: StartState) => {
    const was = s().start?.kind;
    s().setStart(start);
    if (start.kind === 'open' && was !== 'open') void load();
  };

  /**
   * Zones & Scopes, loaded apart from the fleet: its failure (a console without the inventory yet) is the
   * screen's to show, not the whole console's. Events come at most every 500 ms; one runs at a time and an
   * event during it asks for one more, so the view ends on the newest state.
   */
  let objectsBusy = false;
  let objectsAgain = false;
  const loadObjects = async (): Promise<void> => {
    if (objectsBusy) {
      objectsAgain = true;
      return;
    }
    objectsBusy = true;
    try {
      if (s().objectsView === null) s().objectsLoading();
      const r = await api.listObjects();
      if (r.ok) s().objectsLoaded(r.value);
      else s().objectsFailed(r.error.message);
    } finally {
      objectsBusy = false;
      if (objectsAgain) {
        objectsAgain = false;
        void loadObjects();
      }
    }
  };

  /**
   * Alerts, loaded apart from the fleet like Zones & Scopes (a console without them answers `unavailable`,
   * which is the Alerts screen's to show). Every state is loaded: the screen filters, and resolved alerts
   * show when they resolved. One load runs at a time; an event during it asks for one more.
   */
  let alertsBusy = false;
  let alertsAgain = false;
  const loadAlerts = async (): Promise<void> => {
    if (alertsBusy) {
      alertsAgain = true;
      return;
    }
    alertsBusy = true;
    try {
      if (s().alertsView === null) s().alertsLoading();
      const r = await api.listAlerts({ states: ['firing', 'acknowledged', 'resolved'], limit: 1_000 });
      if (r.ok) s().alertsLoaded(r.value);
      else s().alertsFailed(r.error.message);
    } finally {
      alertsBusy = false;
      if (alertsAgain) {
        alertsAgain = false;
        void loadAlerts();
      }
    }
  };

  const load = async (): Promise<void> => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      const [connection, fleet, rejects, profiles] = await Promise.all([
        api.getConnection(),
        api.getFleet(),
        api.getRejects(),
        api.listProfiles(),
      ]);
      const p = value(profiles, 'the IPAM profiles');
      if (p) s().setProfiles(p);
      const c = value(connection, 'the broker connection');
      const f = value(fleet, 'the fleet');
      const r = value(rejects, 'the rejected-frame counters');
      if (c) s().setConnection(c);
      if (r) s().setRejects(r);
      if (f) {
        s().syncClock(f.at);
        s().loadSnapshot(f);
        flush();
      }
      if (c && f && r && p) s().setCallError(null);
      void loadObjects();
      // The top bar's firing count is wanted on every screen from the start.
      void loadAlerts();
    } finally {
      loading = false;
      if (again) {
        again = false;
        void load();
      }
    }
  };

  const offPatch = api.onFleetPatch((patch) => {
    queued.push(patch);
    flushTimer ??= setTimeout(flush, batchMs);
  });
  const offConnection = api.onConnectionChanged((c) => s().setConnection(c));
  // The engine sends at most one event per push every 200 ms; many pushes at once still cost one update.
  let progress: PushProgressEvent[] = [];
  let progressTimer: ReturnType<typeof setTimeout> | null = null;
  const offProgress = api.onPushProgress((p) => {
    progress.push(p);
    progressTimer ??= setTimeout(() => {
      progressTimer = null;
      const batch = progress;
      progress = [];
      s().takePushProgress(batch);
    }, batchMs);
  });
  const offProfile = api.onProfileChanged((active) => {
    // Patches of the previous profile's fleet must not land in the next one's.
    queued = [];
    progress = [];
    s().profileChanged(active);
    void load();
  });
  // A view of every object on every remote is large: it is loaded while Zones & Scopes is shown, and on
  // entering it when an event came meanwhile. The badge needs only the event's count.
  let objectsDirty = false;
  const onObjectsScreen = () => s().route.screen === 'objects';
  const offObjects = api.onObjectsChanged((e) => {
    s().objectsChanged(e);
    if (s().start?.kind !== 'open') return;
    if (onObjectsScreen()) void loadObjects();
    else objectsDirty = true;
  });
  const offObjectsScreen = store.subscribe(
    (st) => st.route.screen === 'objects',
    (shown) => {
      if (!shown || s().start?.kind !== 'open') return;
      if (objectsDirty || s().objectsView === null) {
        objectsDirty = false;
        void loadObjects();
      }
    },
  );
  // The count moves at once; the list reloads while the Alerts screen is shown, or on entering it.
  let alertsDirty = false;
  const offAlerts = api.onAlertsChanged((e) => {
    s().alertsChanged(e);
    if (s().start?.kind !== 'open') return;
    if (s().route.screen === 'alerts') void loadAlerts();
    else alertsDirty = true;
  });
  const offAlertsScreen = store.subscribe(
    (st) => st.route.screen === 'alerts',
    (shown) => {
      if (!shown || s().start?.kind !== 'open') return;
      if (alertsDirty || s().alertsView === null || s().alertsLoad.kind === 'failed') {
        alertsDirty = false;
        void loadAlerts();
      }
    },
  );
  const offStart = api.onStartStateChanged(takeStart);
  const offLink = link.onChange((state) => {
    const was = s().link.kind;
    s().setLink(state, link.rejectedFrames());
    if (state.kind === 'open' && was !== 'open') {
      // A new link may find the console in another state (unlocked from another tab): ask again.
      if (s().start?.kind === 'open') void load();
      void loadStart();
    }
  });

  s().setLink(link.state(), link.rejectedFrames());
  if (link.state().kind === 'open') void loadStart();

  const clock = setInterval(() => s().tick(), 1000);
  const rejects = setInterval(async () => {
    if (s().link.kind !== 'open' || s().start?.kind !== 'open') return;
    const r = await api.getRejects();
    if (r.ok) s().setRejects(r.value);
  }, opts.rejectsEveryMs ?? 2000);

  return () => {
    offPatch();
    offConnection();
    offProgress();
    offProfile();
    offObjects();
    offObjectsScreen();
    offAlerts();
    offAlertsScreen();
    offStart();
    offLink();
    clearInterval(clock);
    clearInterval(rejects);
    if (flushTimer) clearTimeout(flushTimer);
    if (progressTimer) clearTimeout(progressTimer);
  };
}
