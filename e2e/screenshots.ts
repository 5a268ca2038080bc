/**
 * Writes docs/screenshots/fleet.png and remote.png (light), fleet-dark.png and remote-dark.png from a real lab, fleet and browser host:
 * `npm run screenshots`. Two remotes run in their own processes and are killed first, so the picture shows
 * what an admin sees when remotes drop off, not only a sea of green.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, expect } from '@playwright/test';
import { FleetPage } from './pages/fleet-page';
import { RemotePage } from './pages/remote-page';
import { chromiumArgs, chromiumPath } from './support/chromium';
import { startFleetEnv } from './support/fleet-env';
import { screenshotsDir } from './support/paths';

const env = await startFleetEnv({
  groups: [
    { remotes: 3, first: 1 },
    { remotes: 1, first: 4 },
    { remotes: 6, first: 5 },
    { remotes: 1, first: 11 },
    { remotes: 14, first: 12 },
  ],
});
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
try {
  await mkdir(screenshotsDir, { recursive: true });
  for (const [scheme, file] of [
    ['light', 'fleet.png'],
    ['dark', 'fleet-dark.png'],
  ] as const) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1216 }, colorScheme: scheme });
    const fleet = new FleetPage(page);
    await fleet.open(env.url);
    await expect(fleet.rows).toHaveCount(25);
    // Killed once the console has seen them online, so it reports them offline rather than unknown.
    if (scheme === 'light') {
      await expect(fleet.rowsWithStatus('online')).toHaveCount(25);
      for (const index of [1, 3]) await env.sims[index]?.stop('SIGKILL');
    }
    await expect(fleet.rowsWithStatus('offline')).toHaveCount(2, { timeout: 60_000 });
    await expect(fleet.rowsWithStatus('online')).toHaveCount(23);
    // Let the meters settle after their entry transition.
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(screenshotsDir, file) });
    process.stdout.write(`wrote ${join(screenshotsDir, file)}\n`);
    // The Remote screen once its charts have a few buckets.
    const remote = new RemotePage(page);
    await fleet.row('r-0005').getByRole('link', { name: 'r-0005' }).click();
    await expect(remote.chart).toHaveAttribute('data-points', /^([3-9]|\d\d+)$/, { timeout: 60_000 });
    const remoteFile = file.replace('fleet', 'remote');
    await page.screenshot({ path: join(screenshotsDir, remoteFile) });
    process.stdout.write(`wrote ${join(screenshotsDir, remoteFile)}\n`);
    await page.close();
  }
} finally {
  await browser.close();
  await env.stop();
}
