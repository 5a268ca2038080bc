import type { SliceCreator } from './slice';

export interface ClockSlice {
  /** The console's clock as the renderer estimates it: ages ("last seen 3 s ago") are measured against it. */
  now: number;
  /** Console clock minus this page's clock, learnt from each snapshot. */
  clockOffset: number;
  tick(): void;
  /** `at` of a snapshot just received: the console's clock at that moment, give or take the transit. */
  syncClock(consoleNow: number): void;
}

export const createClockSlice: SliceCreator<ClockSlice> = (set) => ({
  now: Date.now(),
  clockOffset: 0,
  tick: () => set((s) => ({ now: Date.now() + s.clockOffset })),
  syncClock: (consoleNow) => {
    const clockOffset = consoleNow - Date.now();
    set({ clockOffset, now: consoleNow });
  },
});
