import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  err,
  namedApi,
  ok,
  type ConnectionStatus,
  type EventName,
  type EventPayload,
  type FleetSnapshot,
  type SmtApi,
} from '../../src-shared/ipc';
import type { ProfileSummary, StartState } from '../../src-shared/ipc/profile-views';
import type { LinkSource, LinkState } from '../api/link';
import { perfMeasures } from '../../src-shared/perf-measures';
import { objectsView, remoteRow, zoneView } from '../testing/objects';
import { remote } from '../testing/remote';
import { createSmtStore } from './index';
import { startSync } from './sync';

const profile = (name: string, active: boolean): ProfileSummary => ({
  name,
  consoleId: 'c1',
  brokers: [],
  ca: null,
  client: null,
  signing: null,
  active,
});
const profiles = { list: [profile('A', true), profile('B', false)] };

const connection: ConnectionStatus = {
  brokers: [{ name: 'primary', url: 'stomp+ssl://127.0.0.1:1' }],
  state: { kind: 'connected', broker: 0, since: 1 },
  lastFailoverAt: null,
  consoleId: 'c1',
};

const openState: StartState = {
  kind: 'open',
  profile: profile('A', true),
  sealing: ['passphrase'],
  passphraseHeld: true,
};

function fakeApi(snapshot: () => FleetSnapshot, start: () => StartState = () => openState) {
  const listeners: { [E in EventName]: ((p: EventPayload<E>) => void)[] } = {
    fleetPatch: [],
    connectionChanged: [],
    pushProgress: [],
    profileChanged: [],
    objectsChanged: [],
    alertsChanged: [],
    alertNotice: [],
    startStateChanged: [],
  };
  const counts = { getFleet: 0, getRejects: 0 };
  const api: SmtApi = {
    // Sync never calls the screens' calls: they answer not-found, which a test would see.
    ...namedApi(
      (name) => async () => err('not-found', `sync does not call ${name}`),
      () => () => () => undefined,
    ),
    getFleet: async () => {
      counts.getFleet++;
      return ok(snapshot());
    },
    getConnection: async () => ok(connection),
    getRejects: async () => {
      counts.getRejects++;
      return ok({ total: counts.getRejects, byReason: {}, byRemote: {} });
    },
    onFleetPatch: (l) => {
      listeners.fleetPatch.push(l);
      return () => undefined;
    },
    onConnectionChanged: (l) => {
      listeners.connectionChanged.push(l);
      return () => undefined;
    },
    listProfiles: async () => ok(profiles.list),
    onProfileChanged: (l) => {
      listeners.profileChanged.push(l);
      return () => undefined;
    },
    onObjectsChanged: (l) => {
      listeners.objectsChanged.push(l);
      return () => undefined;
    },
    onAlertsChanged: (l) => {
      listeners.alertsChanged.push(l);
      return () => undefined;
    },
    getStartState: async () => ok(start()),
    onStartStateChanged: (l) => {
      listeners.startStateChanged.push(l);
      return () => undefined;
    },
  };
  return { api, listeners, counts };
}

function fakeLink(initial: LinkState) {
  let state = initial;
  const listeners: ((s: LinkState) => void)[] = [];
  const link: LinkSource = {
    state: () => state,
    rejectedFrames: () => 0,
    onChange: (l) => {
      listeners.push(l);
      return () => undefined;
    },
  };
  const set = (s: LinkState) => {
    state = s;
    listeners.forEach((l) => l(s));
  };
  return { link, set };
}

describe('startSync', () => {
  it('shows the unlock screen while locked, loading no fleet, and loads once the console is open', async () => {
    vi.useRealTimers();
    const store = createSmtStore();
    const locked: StartState = {
      kind: 'locked',
      profiles: [{ name: 'A', consoleId: 'c1', sealedWith: 'passphrase' }],
      last: 'A',
      retryAfterMs: 4000,
      sealing: ['passphrase'],
    };
    const { api, listeners, counts } = fakeApi(
      () => ({ at: 100, remotes: [remote('a', 100)] }),
      () => locked,
    );
    const { link } = fakeLink({ kind: 'open', since: 1 });
    const stop = startSync(api, link, store);
    await vi.waitFor(() => expect(store.getState().start?.kind).toBe('locked'));
    const retryAt = store.getState().retryAt;
    expect(retryAt).toBeGreaterThan(Date.now());
    expect(counts.getFleet).toBe(0);

    listeners.startStateChanged.forEach((l) => l(openState));
    await vi.waitFor(() => expect(store.getState().remotes.size).toBe(1));
    expect(store.getState().start?.kind).toBe('open');
    expect(store.getState().retryAt).toBe(0);
    expect(counts.getFleet).toBe(1);
    stop();
  });

  beforeEach(() => {
    // Timers and the clock, not `performance`: measures are read from the real one.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    // What the browser provides: a frame about every 16 ms (patches are measured to their paint).
    vi.stubGlobal('requestAnimationFrame', (cb: (t: number) => void) =>
      setTimeout(() => cb(performance.now()), 16),
    );
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    performance.clearMeasures();
  });

  it('loads on open, then applies patches in batches, one store update per batch', async () => {
    const store = createSmtStore();
    const { api, listeners } = fakeApi(() => ({ at: 100, remotes: [remote('a', 100), remote('b', 100)] }));
    const { link, set } = fakeLink({ kind: 'connecting', attempt: 1 });
    const stop = startSync(api, link, store, { batchMs: 100 });
    expect(store.getState().fleetAt).toBeNull();

    set({ kind: 'open', since: 1 });
    await vi.waitFor(() => expect(store.getState().remotes.size).toBe(2));
    expect(store.getState().connection).toEqual(connection);
    expect(store.getState().link.kind).toBe('open');

    let updates = 0;
    const off = store.subscribe(
      (s) => s.remotes,
      () => updates++,
    );
    for (let i = 1; i <= 5; i++) {
      listeners.fleetPatch.forEach((l) => l({ at: 100 + i, upserts: [remote('a', 100 + i, { cpuPct: i })] }));
    }
    expect(updates).toBe(0);
    vi.advanceTimersByTime(100);
    expect(updates).toBe(1);
    expect(store.getState().remotes.get('a')?.cpuPct).toBe(5);
    // One measure per batch, once its frame is painted.
    expect(performance.getEntriesByName(perfMeasures.fleetPatch)).toHaveLength(0);
    vi.advanceTimersByTime(20);
    expect(performance.getEntriesByName(perfMeasures.fleetPatch)).toHaveLength(1);
    off();
    stop();
  });

  it('holds patches that arrive before the first snapshot and applies the newer ones after it', async () => {
    const store = createSmtStore();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const { api, listeners } = fakeApi(() => ({ at: 100, remotes: [remote('a', 100)] }));
    const slowApi: SmtApi = {
      ...api,
      getFleet: async () => {
        await gate;
        return api.getFleet();
      },
    };
    const { link } = fakeLink({ kind: 'open', since: 1 });
    const stop = startSync(slowApi, link, store, { batchMs: 10 });
    listeners.fleetPatch.forEach((l) => l({ at: 90, upserts: [remote('old', 90)] }));
    listeners.fleetPatch.forEach((l) => l({ at: 110, upserts: [remote('new', 110)] }));
    vi.advanceTimersByTime(50);
    release();
    await vi.waitFor(() => expect(store.getState().remotes.has('new')).toBe(true));
    expect(store.getState().remotes.has('old')).toBe(false);
    stop();
  });

  it('ticks the clock every second, polls the reject counters and follows connection events', async () => {
    const store = createSmtStore();
    const { api, listeners, counts } = fakeApi(() => ({ at: Date.now(), remotes: [] }));
    const { link } = fakeLink({ kind: 'open', since: 1 });
    const stop = startSync(api, link, store, { rejectsEveryMs: 2000 });
    await vi.waitFor(() => expect(store.getState().rejects?.total).toBe(1));
    const t0 = store.getState().now;
    await vi.advanceTimersByTimeAsync(2000);
    expect(store.getState().now - t0).toBeGreaterThanOrEqual(1000);
    expect(counts.getRejects).toBe(2);
    const failover = {
      ...connection,
      state: { kind: 'connected' as const, broker: 1, since: 5 },
      lastFailoverAt: 5,
    };
    listeners.connectionChanged.forEach((l) => l(failover));
    expect(store.getState().connection?.lastFailoverAt).toBe(5);
    stop();
  });

  it('on a profile change drops the previous IPAM’s fleet, link and open remote, then loads the new one', async () => {
    const store = createSmtStore();
    let fleet = { at: 100, remotes: [remote('a', 100)] };
    const { api, listeners } = fakeApi(() => fleet);
    const { link } = fakeLink({ kind: 'open', since: 1 });
    const stop = startSync(api, link, store, { batchMs: 10 });
    await vi.waitFor(() => expect(store.getState().profiles?.map((p) => p.active)).toEqual([true, false]));
    store.getState().navigate({ screen: 'remote', remoteId: 'a' });

    fleet = { at: 200, remotes: [remote('z', 200)] };
    profiles.list = [profile('A', false), profile('B', true)];
    listeners.fleetPatch.forEach((l) => l({ at: 150, upserts: [remote('a', 150)] }));
    listeners.profileChanged.forEach((l) => l(profile('B', true)));
    expect(store.getState().remotes.size).toBe(0);
    expect(store.getState().connection).toBeNull();
    expect(store.getState().route).toEqual({ screen: 'fleet' });
    expect(store.getState().profiles?.find((p) => p.active)?.name).toBe('B');
    await vi.waitFor(() => expect([...store.getState().remotes.keys()]).toEqual(['z']));
    await vi.advanceTimersByTimeAsync(50);
    expect([...store.getState().remotes.keys()]).toEqual(['z']);
    profiles.list = [profile('A', true), profile('B', false)];
    stop();
  });

  it('loads Zones & Scopes apart from the fleet, again on objectsChanged, and its failure stays its own', async () => {
    const store = createSmtStore();
    const { api, listeners } = fakeApi(() => ({ at: 100, remotes: [remote('a', 100)] }));
    let answer: 'fail' | 'view' = 'fail';
    let calls = 0;
    const view = objectsView([zoneView('example.test', [remoteRow('a', 'drifted', 100)])], 300);
    const objectsApi: SmtApi = {
      ...api,
      listObjects: async () => {
        calls++;
        return answer === 'fail'
          ? err('unavailable', 'The console keeps no served inventory yet.')
          : ok(view);
      },
    };
    const { link } = fakeLink({ kind: 'open', since: 1 });
    const stop = startSync(objectsApi, link, store, { batchMs: 10 });
    await vi.waitFor(() => expect(store.getState().objectsLoad.kind).toBe('failed'));
    // The fleet loaded: a console without the inventory is not a console that failed.
    expect(store.getState().callError).toBeNull();
    expect(store.getState().remotes.size).toBe(1);

    answer = 'view';
    // Away from the screen an event moves the badge only; the view loads on entering the screen.
    listeners.objectsChanged.forEach((l) => l({ at: 200, driftedRemotes: 4 }));
    expect(store.getState().driftedRemotes).toBe(4);
    await vi.advanceTimersByTimeAsync(50);
    expect(calls).toBe(1);
    store.getState().navigate({ screen: 'objects' });
    await vi.waitFor(() => expect(store.getState().objectsLoad.kind).toBe('loaded'));
    expect(store.getState().objectsView?.objects.map((o) => o.key)).toEqual(['zone:example.test']);
    // The view is newer than the event: its own count wins.
    expect(store.getState().driftedRemotes).toBe(1);
    expect(calls).toBe(2);
    // On the screen, each event loads it again.
    listeners.objectsChanged.forEach((l) => l({ at: 400, driftedRemotes: 0 }));
    await vi.waitFor(() => expect(calls).toBe(3));

    listeners.profileChanged.forEach((l) => l(profile('B', true)));
    expect(store.getState().objectsView).toBeNull();
    expect(store.getState().driftedRemotes).toBe(0);
    await vi.waitFor(() => expect(store.getState().objectsView).not.toBeNull());
    expect(calls).toBe(4);
    profiles.list = [profile('A', true), profile('B', false)];
    stop();
  });

  it('loads the alerts with the fleet, moves the firing count on alertsChanged at once, reloads on the screen', async () => {
    const store = createSmtStore();
    const { api, listeners } = fakeApi(() => ({ at: 100, remotes: [remote('a', 100)] }));
    let answer: 'fail' | 'view' = 'fail';
    const queries: unknown[] = [];
    const alertsApi: SmtApi = {
      ...api,
      listAlerts: async (q) => {
        queries.push(q);
        return answer === 'fail'
          ? err('unavailable', 'Alerts are not available in this build.')
          : ok({ alerts: [], firing: 2, generatedAt: 300 });
      },
    };
    const { link } = fakeLink({ kind: 'open', since: 1 });
    const stop = startSync(alertsApi, link, store, { batchMs: 10 });
    await vi.waitFor(() => expect(store.getState().alertsLoad).toMatchObject({ kind: 'failed' }));
    // A console without alerts is not a console that failed.
    expect(store.getState().callError).toBeNull();
    // Every state: the screen filters, and shows when resolved ones resolved.
    expect(queries[0]).toEqual({ states: ['firing', 'acknowledged', 'resolved'], limit: 1_000 });

    answer = 'view';
    listeners.alertsChanged.forEach((l) => l({ at: 200, firing: 5 }));
    expect(store.getState().alertsFiring).toBe(5);
    await vi.advanceTimersByTimeAsync(50);
    expect(queries).toHaveLength(1);
    store.getState().navigate({ screen: 'alerts' });
    await vi.waitFor(() => expect(store.getState().alertsLoad.kind).toBe('loaded'));
    // The view is newer than the event: its count wins.
    expect(store.getState().alertsFiring).toBe(2);
    listeners.alertsChanged.forEach((l) => l({ at: 400, firing: 3 }));
    expect(store.getState().alertsFiring).toBe(3);
    await vi.waitFor(() => expect(queries).toHaveLength(3));
    // An event older than the last one seen is a late arrival: the count stays.
    listeners.alertsChanged.forEach((l) => l({ at: 350, firing: 9 }));
    expect(store.getState().alertsFiring).toBe(3);
    stop();
  });
});
