/**
 * Scenario 5: the Fleet screen with 10,000 remotes in Chromium, through the browser host. A real fleet of
 * 10,000 does not fit one 2-core machine (10,000 TLS sessions on the broker and 10,000 agents: see
 * docs/performance.md), so the host serves a synthetic core: the console's own FleetModel fed with the
 * hellos and stats of 10,000 simulated hosts (the simulator's host model), its patches shaped as the
 * core's. The renderer's performance measures (src-renderer/perf.ts) time a filter keystroke and a stats
 * patch to the paint that shows them.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium, type Page } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../../e2e/support/chromium';
import { rendererIndex } from '../../e2e/support/paths';
import { SimulatedHost } from '../../src-agent/simulate/host-model';
import { remoteIdOf } from '../../src-agent/simulate/simulation';
import { FleetModel } from '../../src-main/core/fleet-model';
import { startHost } from '../../src-main/host/server';
import { FakeBackend } from '../../src-main/host/testing/fake-backend';
import { makeEnvelope } from '../../src-shared/protocol';
import { perfMeasures } from '../../src-shared/perf-measures';
import type { BenchContext } from '../context';
import type { LatencyRow } from '../results';
import { latencyRow } from '../rows';
import { distribution } from '../stats';

export interface RendererOptions {
  remotes: number;
  keystrokes: number;
  patches: number;
  /** Remotes in each patch: 10,000 reporting every 5 s make 500 per 250 ms patch. */
  patchSize: number;
  patchIntervalMs: number;
}

/** Typed and erased again and again: each keystroke narrows or widens the rows the table shows. */
const typed = 'dns-1';

/** The synthetic core's fleet: every remote says hello and reports once, as the core would have them. */
function syntheticFleet(n: number): { model: FleetModel; hosts: SimulatedHost[] } {
  const now = Date.now();
  const model = new FleetModel();
  const hosts = Array.from({ length: n }, (_, i) => new SimulatedHost(i + 1, Math.random, now));
  for (const h of hosts) {
    const id = remoteIdOf(h.index);
    const hello = {
      agent: { version: '0.2.0', mode: 'simulated' as const },
      host: h.hostInfo(),
      capabilities: h.capabilities(),
      tags: h.tags(),
      statsIntervalMs: 5000,
      presenceIntervalMs: 2000,
    };
    model.apply(makeEnvelope('hello', id, hello, { ts: now }), now);
    model.apply(
      makeEnvelope('presence', id, { state: 'online', intervalMs: 2000, seq: 1 }, { ts: now }),
      now,
    );
    model.apply(makeEnvelope('stats', id, { seq: 1, ...h.sample(now, 5000) }, { ts: now }), now);
  }
  model.takeChanges();
  return { model, hosts };
}

const measures = (page: Page, name: string) =>
  page.evaluate((n) => performance.getEntriesByName(n).map((e) => e.duration), name);

/** Waits until the page holds `count` measures of `name`. */
const measured = (page: Page, name: string, count: number) =>
  page.waitForFunction(
    ([n, c]) => performance.getEntriesByName(n as string).length >= (c as number),
    [name, count],
  );

export async function rendererScenario(ctx: BenchContext, opts: RendererOptions): Promise<LatencyRow[]> {
  if (!existsSync(rendererIndex)) {
    throw new Error('no renderer bundle: run `npm run build:renderer` (npm run bench does) first');
  }
  const { model, hosts } = syntheticFleet(opts.remotes);
  const backend = new FakeBackend();
  backend.fleet = model.snapshot(Date.now());
  const host = await startHost({ backend, staticDir: dirname(rendererIndex), log: () => undefined });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(host.url);
    await page
      .getByRole('table', { name: 'Remotes' })
      .and(page.locator(`[aria-rowcount="${opts.remotes + 1}"]`))
      .waitFor({ timeout: 60_000 });
    ctx.say(`renderer: ${opts.remotes} remotes on the Fleet screen, ${opts.keystrokes} keystrokes`);

    const search = page.getByRole('searchbox', { name: 'Search remotes' });
    await search.focus();
    for (let k = 0; k < opts.keystrokes; k++) {
      const at = k % (2 * typed.length);
      const key = at < typed.length ? (typed[at] as string) : 'Backspace';
      await page.keyboard.press(key);
      // One keystroke at a time: the next waits for this one's paint.
      await measured(page, perfMeasures.fleetFilter, k + 1);
    }
    await search.fill('');

    ctx.say(`renderer: ${opts.patches} patches of ${opts.patchSize} remotes`);
    const before = (await measures(page, perfMeasures.fleetPatch)).length;
    for (let p = 0; p < opts.patches; p++) {
      const now = Date.now();
      for (let i = 0; i < opts.patchSize; i++) {
        const h = hosts[(p * opts.patchSize + i) % hosts.length] as SimulatedHost;
        const stats = { seq: p + 2, ...h.sample(now, 5000) };
        model.apply(makeEnvelope('stats', remoteIdOf(h.index), stats, { ts: now }), now);
      }
      backend.emit('fleetPatch', { at: now, upserts: model.takeChanges() });
      // Each patch painted before the next leaves, at the core's pace at most (one per interval).
      await measured(page, perfMeasures.fleetPatch, before + p + 1);
      await delay(Math.max(0, now + opts.patchIntervalMs - Date.now()));
    }
    const filter = await measures(page, perfMeasures.fleetFilter);
    const patch = (await measures(page, perfMeasures.fleetPatch)).slice(before);
    ctx.say(
      `renderer: keystroke p99 ${Math.round(distribution(filter).p99)} ms, patch p99 ${Math.round(distribution(patch).p99)} ms`,
    );
    return [
      latencyRow('renderer: filter keystroke to paint', opts.remotes, distribution(filter), null, {
        p99: 50,
        ratio: null,
      }),
      latencyRow('renderer: stats patch to paint', opts.remotes, distribution(patch), null, {
        p99: null,
        ratio: null,
      }),
    ];
  } finally {
    await browser.close();
    await host.close();
  }
}
