/**
 * Scenario 7: `npm run demo -- --remotes N` held for a while, at each size asked (1,000 and the largest
 * fleet the demo accepts, in a full run): the console keeps its session, every remote stays connected, and
 * how full the broker's heap gets with the heap the demo sized for the fleet (docs/broker.md, "Sizing").
 * Each size runs the demo on a lab of its own, as a user would; the bench's own lab stays idle meanwhile.
 */
import { join } from 'node:path';
import type { BenchContext } from '../context';
import { DemoRun } from '../demo-soak';
import type { Figure } from '../results';
import { figure } from '../rows';

export interface SoakOptions {
  sizes: number[];
  windowS: number;
}

export async function soak(ctx: BenchContext, opts: SoakOptions): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const remotes of opts.sizes) {
    ctx.say(`soak: the demo at ${remotes} remotes`);
    const demo = await DemoRun.start(remotes, join(ctx.workDir, `soak-${remotes}`), (l) =>
      ctx.say(`soak ${remotes}: ${l}`),
    );
    try {
      ctx.say(`soak: ${remotes} remotes connected; holding for ${opts.windowS} s`);
      const f = await demo.soak(opts.windowS, (l) => ctx.say(`soak ${remotes}: ${l}`));
      const held = f.minConnected === remotes && f.consoleSessionsLost === 0 && f.onlineAtEnd === remotes;
      const scenario = `soak: demo held ${opts.windowS} s, broker heap ${f.brokerHeapMb} MB`;
      const oldShare = f.maxOldShare === null ? -1 : Math.round(f.maxOldShare * 1000) / 10;
      figures.push(
        figure(scenario, remotes, 'remotes that lost their session', remotes - f.minConnected, 'remotes', {
          targetMax: 0,
        }),
        figure(scenario, remotes, 'console sessions lost', f.consoleSessionsLost, 'sessions', {
          targetMax: 0,
        }),
        // Below 70 % the broker path screen shows no warning (src-shared/broker/health.ts).
        figure(scenario, remotes, 'broker old generation after collecting, fullest', oldShare, '%', {
          targetMax: 70,
        }),
        figure(scenario, remotes, 'broker time collecting garbage, highest', f.maxGcShare * 100, '%'),
      );
      if (!held) {
        throw new Error(
          `the demo at ${remotes} remotes did not hold: fewest connected ${f.minConnected}, console sessions lost ${f.consoleSessionsLost}, online at the end ${f.onlineAtEnd}`,
        );
      }
    } finally {
      await demo.stop();
    }
  }
  return figures;
}
