import type { ProfileSummary } from '../../src-shared/ipc/profile-views';
import { fleetRoute, objectsRoute } from '../nav/route';
import { alertsReset } from './alerts-slice';
import { initialConnection } from './connection-slice';
import { initialFleet } from './fleet-slice';
import { objectsReset } from './objects-slice';
import { dnsReset } from './dns-slice';
import type { SliceCreator } from './slice';

export interface ProfilesState {
  /** Every IPAM profile the console offers; null until first loaded. */
  profiles: readonly ProfileSummary[] | null;
  /** A switch asked from this page and not answered yet: the profile's name. */
  switchingTo: string | null;
}

export interface ProfilesActions {
  setProfiles(profiles: readonly ProfileSummary[]): void;
  setSwitchingTo(name: string | null): void;
  /**
   * Another profile is active: what belonged to the previous IPAM (its fleet, broker link, rejects, an
   * open remote) is dropped so nothing of it is shown as if it were the new one's; sync loads it again.
   */
  profileChanged(active: ProfileSummary): void;
}

export type ProfilesSlice = ProfilesState & ProfilesActions;

export const createProfilesSlice: SliceCreator<ProfilesSlice> = (set) => ({
  profiles: null,
  switchingTo: null,
  setProfiles: (profiles) => set({ profiles }),
  setSwitchingTo: (switchingTo) => set({ switchingTo }),
  profileChanged: (active) =>
    set((s) => ({
      remotes: initialFleet.remotes,
      counts: initialFleet.counts,
      fleetAt: null,
      connection: initialConnection.connection,
      rejects: initialConnection.rejects,
      callError: null,
      ...objectsReset,
      // Another IPAM's remotes answered this search.
      ...dnsReset,
      ...alertsReset,
      // A planned push names the previous IPAM's remotes and versions.
      pushPlan: null,
      switchingTo: null,
      profiles: s.profiles?.map((p) => (p.name === active.name ? active : { ...p, active: false })) ?? null,
      route:
        s.route.screen === 'remote'
          ? fleetRoute
          : // The open object is the previous IPAM's; the list is the new one's.
            s.route.screen === 'objects'
            ? objectsRoute
            : s.route,
    })),
});
