/**
 * The SMT side of a latency scenario: a console core with its push engine on a database file
 * (tests/helpers/push-console.ts, as the desktop app runs it), pushes timed from the engine's push call to
 * the last `applied` result stored.
 */
import { labConsoleId, labConsoleKeys, labSignerFiles } from '../lab/lab';
import { loadConfigSigner, signConfig } from '../src-node/crypto/config-signature';
import { waitFor } from '../src-node/smt/testing/wait';
import { makeEnvelope, type Body } from '../src-shared/protocol';
import { fleetZonePush, type PushConsole } from '../tests/helpers/push-console';
import type { LabFixture } from '../tests/helpers/lab-fixture';
import { within } from './context';

/** The fleet zone at this version, to exactly these remotes. */
export const zonePushTo = (ids: readonly string[], version: number) => ({
  ...fleetZonePush(version),
  selector: { kind: 'ids' as const, ids: [...ids] },
  author: 'bench',
});

/** Waits until the console has every remote's hello (it can address them all). */
export async function knowsAll(pc: PushConsole, ids: readonly string[], timeoutMs = 120_000): Promise<void> {
  await waitFor(
    `the hello of all ${ids.length} remotes`,
    () => {
      const dns = new Set(
        pc.core.fleet
          .selectable()
          .filter((r) => r.capabilities.includes('dns'))
          .map((r) => r.id),
      );
      return ids.every((id) => dns.has(id));
    },
    timeoutMs,
    100,
  );
}

export interface TimedPush {
  pushId: string;
  /** From the push call to the last `applied` result stored. */
  ms: number;
  /** The remote whose `applied` came last. */
  last: string;
}

/**
 * Pushes the fleet zone to `ids` and resolves when the engine has stored an `applied` result from each.
 * The core runs result listeners in the order they were added, so this one, added after the engine's,
 * sees each result after the engine stored it.
 */
export async function timedPush(
  pc: PushConsole,
  ids: readonly string[],
  version: number,
  timeoutMs: number,
): Promise<TimedPush> {
  const applied = new Set<string>();
  let pushId = '';
  let end = 0;
  let last = '';
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  const off = pc.core.onResult((env) => {
    if (env.body.state !== 'applied' || env.body.pushId !== pushId || applied.has(env.from)) return;
    applied.add(env.from);
    if (applied.size === ids.length) {
      last = env.from;
      end = performance.now();
      done();
    }
  });
  try {
    const start = performance.now();
    pushId = pc.engine.push(zonePushTo(ids, version)).push.id;
    await within(
      () => `${ids.length} applied results of push ${pushId} (${applied.size} so far)`,
      timeoutMs,
      all,
    );
    const counts = pc.engine.progress(pushId).summary.counts;
    if (counts.applied !== ids.length) {
      throw new Error(`push ${pushId}: ${counts.applied} applied in the store, ${ids.length} expected`);
    }
    return { pushId, ms: end - start, last };
  } finally {
    off();
  }
}

/**
 * The size of the config message SMT sends for the fleet zone (signed envelope, JSON), so the baseline's
 * message carries as many bytes.
 */
export async function configMessageBytes(lab: LabFixture): Promise<number> {
  const signer = await loadConfigSigner(labSignerFiles(lab.opts), new Date(), await labConsoleKeys(lab.opts));
  const push = fleetZonePush(100);
  const body: Body<'config'> = {
    pushId: crypto.randomUUID(),
    object: push.object,
    version: push.version,
    op: 'upsert',
    payload: push.payload,
  };
  const env = makeEnvelope('config', labConsoleId, body);
  return Buffer.byteLength(JSON.stringify({ ...env, body: signConfig(signer, 'r-0001', env.id, env.body) }));
}

/**
 * How one remote's delivery of a push went, from the outbox's stored events: each transition with its
 * time after the push was stored, e.g. "queued +0 ms, sent +12 ms, applied +114523 ms".
 */
export function deliveryTimeline(pc: PushConsole, pushId: string, remoteId: string): string {
  const events = pc.push.store.events(pushId).filter((e) => e.remoteId === remoteId);
  const t0 = pc.push.store.push(pushId)?.createdAt ?? events[0]?.at ?? 0;
  return events.map((e) => `${e.to} +${e.at - t0} ms`).join(', ');
}
