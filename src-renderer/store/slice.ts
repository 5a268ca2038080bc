import type { StateCreator } from 'zustand';
import type { AlertsSlice } from './alerts-slice';
import type { ClockSlice } from './clock-slice';
import type { ConnectionSlice } from './connection-slice';
import type { DnsSlice } from './dns-slice';
import type { FleetSlice } from './fleet-slice';
import type { NavSlice } from './nav-slice';
import type { ObjectsSlice } from './objects-slice';
import type { PushSlice } from './push-slice';
import type { ProfilesSlice } from './profiles-slice';
import type { StartSlice } from './start-slice';

/** The whole store: one slice per domain, combined once in store/index.ts. */
export type SmtState = ConnectionSlice &
  FleetSlice &
  ClockSlice &
  NavSlice &
  PushSlice &
  ObjectsSlice &
  AlertsSlice &
  ProfilesSlice &
  StartSlice &
  DnsSlice;

/** Middleware is applied to the combined store only; every slice is typed against that. */
export type SliceCreator<Slice> = StateCreator<
  SmtState,
  [['zustand/subscribeWithSelector', never]],
  [],
  Slice
>;
