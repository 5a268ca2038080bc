import { test as base } from '@playwright/test';
import { FleetPage } from './pages/fleet-page';
import { RemotePage } from './pages/remote-page';
import { startFleetEnv, type FleetEnv, type FleetEnvOptions } from './support/fleet-env';

/**
 * One lab, fleet and browser host per worker. A spec file that needs a fleet of its own (because another
 * file's tests kill parts of theirs) sets `test.use({ fleet: … })`: Playwright runs files with different
 * worker options in different workers, so each gets a fresh environment.
 *
 * The default is the fleet of the fleet spec: 19 remotes in one `simulate` process and r-0020 alone in a
 * second one, so a test can kill that remote's process and nothing else.
 */
export const test = base.extend<
  { fleetPage: FleetPage; remotePage: RemotePage },
  { env: FleetEnv; fleet: FleetEnvOptions }
>({
  fleet: [
    {
      groups: [
        { remotes: 19, first: 1 },
        { remotes: 1, first: 20 },
      ],
    },
    { scope: 'worker', option: true },
  ],
  env: [
    async ({ fleet }, use) => {
      const env = await startFleetEnv(fleet);
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
  remotePage: async ({ page }, use) => {
    await use(new RemotePage(page));
  },
});

export { expect } from '@playwright/test';
