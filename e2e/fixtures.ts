import { test as base } from '@playwright/test';
import { FleetPage } from './pages/fleet-page';
import { startFleetEnv, type FleetEnv } from './support/fleet-env';

/**
 * The fleet of the issue: 19 remotes in one `simulate` process and r-0020 alone in a second one, so a test
 * can kill that remote's process and nothing else. One lab and fleet per worker (there is one worker).
 */
export const test = base.extend<{ fleetPage: FleetPage }, { env: FleetEnv }>({
  env: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads fixture dependencies from this pattern.
    async ({}, use) => {
      const env = await startFleetEnv({
        groups: [
          { remotes: 19, first: 1 },
          { remotes: 1, first: 20 },
        ],
      });
      try {
        await use(env);
      } finally {
        await env.stop();
      }
    },
    { scope: 'worker', timeout: 300_000 },
  ],
  fleetPage: async ({ page, env }, use) => {
    const fleet = new FleetPage(page);
    await fleet.open(env.url);
    await use(fleet);
  },
});

export { expect } from '@playwright/test';
