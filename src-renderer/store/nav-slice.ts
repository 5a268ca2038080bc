import { fleetRoute, sameRoute, type Route } from '../nav/route';
import type { SliceCreator } from './slice';

export interface NavSlice {
  route: Route;
  /** The keyboard shortcut list is open. */
  helpOpen: boolean;
  navigate(route: Route): void;
  setHelpOpen(open: boolean): void;
}

export const createNavSlice: SliceCreator<NavSlice> = (set, get) => ({
  route: fleetRoute,
  helpOpen: false,
  navigate: (route) => {
    if (!sameRoute(get().route, route)) set({ route });
  },
  setHelpOpen: (helpOpen) => set({ helpOpen }),
});
