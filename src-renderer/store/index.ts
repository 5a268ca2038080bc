import { subscribeWithSelector } from 'zustand/middleware';
import { createStore } from 'zustand/vanilla';
import { createAlertsSlice } from './alerts-slice';
import { createClockSlice } from './clock-slice';
import { createConnectionSlice } from './connection-slice';
import { createDnsSlice } from './dns-slice';
import { createFleetSlice } from './fleet-slice';
import { createNavSlice } from './nav-slice';
import { createObjectsSlice } from './objects-slice';
import { createPushSlice } from './push-slice';
import { createProfilesSlice } from './profiles-slice';
import { createStartSlice } from './start-slice';
import type { SmtState } from './slice';

export type { SmtState } from './slice';

export const createSmtStore = () =>
  createStore<SmtState>()(
    subscribeWithSelector((...a) => ({
      ...createConnectionSlice(...a),
      ...createFleetSlice(...a),
      ...createClockSlice(...a),
      ...createNavSlice(...a),
      ...createPushSlice(...a),
      ...createObjectsSlice(...a),
      ...createAlertsSlice(...a),
      ...createProfilesSlice(...a),
      ...createStartSlice(...a),
      ...createDnsSlice(...a),
    })),
  );

export type SmtStore = ReturnType<typeof createSmtStore>;
