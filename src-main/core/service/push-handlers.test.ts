import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { PushProgressEvent } from '../../../src-shared/ipc/push-views';
import { makeEnvelope } from '../../../src-shared/protocol';
import { waitFor } from '../../../src-node/smt/testing/wait';
import { helloEnvelope } from '../testing/fleet-envelopes';
import { ConsoleService } from './console-service';
import type { ProfileSession } from './profile-session';
import { offlineSession } from './testing/offline-session';

const dirs: string[] = [];
const services: ConsoleService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * The real push engine on a temp database behind an unstarted core: sends find no broker and stay
 * queued, and results are handed to the engine as the core would hand them over.
 */
function service(): { svc: ConsoleService; session: ProfileSession } {
  const { session, dir } = offlineSession('push-handlers');
  dirs.push(dir);
  const svc = new ConsoleService(session, { actor: 'alice' });
  services.push(svc);
  for (const id of ['r-0001', 'r-0002', 'r-0003']) session.core.fleet.apply(helloEnvelope(id), Date.now());
  return { svc, session };
}

const zone = {
  object: { kind: 'zone' as const, name: 'example.com' },
  op: 'upsert' as const,
  payload: {
    format: 'zone-text' as const,
    text: '$ORIGIN example.com.\n@ 300 IN NS ns1\nns1 300 IN A 192.0.2.1\n',
  },
  selector: { kind: 'ids' as const, ids: ['r-0001', 'r-0002', 'r-0003', 'r-0404'] },
};

function report(
  session: ProfileSession,
  pushId: string,
  remote: string,
  state: 'applied' | 'failed',
  reason?: string,
) {
  const smtId = session.push.engine.deliveries(pushId).get(remote)?.smtId ?? '';
  session.push.engine.takeResult(
    makeEnvelope('result', remote, {
      ref: smtId,
      pushId,
      state,
      ...(state === 'applied' ? { sha256: 'a'.repeat(64) } : { reason: reason ?? 'x' }),
    }),
  );
}

describe('push handlers', () => {
  it('starts a push in the actor’s name and shows it in the list and in detail, live', async () => {
    const { svc, session } = service();
    const progress: PushProgressEvent[] = [];
    svc.subscribe('pushProgress', (p) => void progress.push(p));

    const started = await svc.handle('startPush', [zone]);
    expect(started).toMatchObject({ ok: true, value: { version: 1, targets: 3, unknown: ['r-0404'] } });
    const pushId = started.ok ? started.value.pushId : '';

    report(session, pushId, 'r-0001', 'applied');
    report(session, pushId, 'r-0002', 'failed', 'zone example.com/IN: CNAME and other data');
    await waitFor('a progress event with the failure', () =>
      progress.some((p) => p.summary.counts.failed === 1),
    );
    expect(progress.at(-1)).toMatchObject({ pushId, state: 'open', summary: { total: 3, done: 2 } });

    const list = await svc.handle('listPushes', []);
    expect(list).toMatchObject({
      ok: true,
      value: [
        { id: pushId, author: 'alice', version: 1, state: 'open', summary: { counts: { applied: 1 } } },
      ],
    });
    const detail = await svc.handle('getPush', [pushId]);
    expect(detail.ok && detail.value.deliveries).toEqual([
      expect.objectContaining({ remoteId: 'r-0001', state: 'applied', attempt: 1, reason: null }),
      expect.objectContaining({
        remoteId: 'r-0002',
        state: 'failed',
        reason: 'zone example.com/IN: CNAME and other data',
      }),
      expect.objectContaining({ remoteId: 'r-0003', state: 'queued', sentAt: null }),
    ]);
    expect(session.push.store.push(pushId)?.author).toBe('alice');
  });

  it('retries the failed as a new attempt and cancels what no remote has', async () => {
    const { svc, session } = service();
    const started = await svc.handle('startPush', [zone]);
    const pushId = started.ok ? started.value.pushId : '';
    report(session, pushId, 'r-0002', 'failed');

    expect(await svc.handle('retryPush', [pushId])).toEqual({ ok: true, value: { retried: 1 } });
    const detail = await svc.handle('getPush', [pushId]);
    expect(detail.ok && detail.value.deliveries[1]).toMatchObject({ state: 'queued', attempt: 2 });

    // Nothing was receipted by a broker (there is none): every open delivery ends cancelled.
    expect(await svc.handle('cancelPush', [pushId])).toEqual({
      ok: true,
      value: { cancelled: 3, withRemote: 0, unreachable: 0 },
    });
    const after = await svc.handle('getPush', [pushId]);
    expect(after).toMatchObject({
      ok: true,
      value: { state: 'cancelled', summary: { counts: { cancelled: 3 } } },
    });
  });

  it('answers a refused push with its reason and an unknown push as not found', async () => {
    const { svc } = service();
    expect(await svc.handle('startPush', [{ ...zone, selector: { kind: 'ids', ids: ['r-0404'] } }])).toEqual({
      ok: false,
      error: { code: 'bad-request', message: 'no target: the fleet does not know r-0404' },
    });
    const first = await svc.handle('startPush', [{ ...zone, version: 5 }]);
    expect(first.ok).toBe(true);
    const stale = await svc.handle('startPush', [{ ...zone, version: 5 }]);
    expect(stale).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: /not above version 5/ },
    });
    expect(await svc.handle('startPush', [{ ...zone, author: 'mallory' } as never])).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });

    const id = crypto.randomUUID();
    for (const call of ['getPush', 'cancelPush', 'retryPush'] as const) {
      expect(await svc.handle(call, [id])).toEqual({
        ok: false,
        error: {
          code: 'not-found',
          message: `No push ${id} in this profile's outbox: open one from the recent pushes list.`,
        },
      });
    }
    expect(await svc.handle('getPush', ['nope'])).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
  });

  it('previews against the fleet: offline remotes are unreachable, nothing is sent', async () => {
    const { svc, session } = service();
    session.core.fleet.apply(helloEnvelope('r-0009'), Date.now());
    const preview = await svc.handle('previewPush', [zone]);
    expect(preview).toMatchObject({ ok: true, value: { proposedVersion: 1, unknown: ['r-0404'] } });
    expect(session.push.store.pushes()).toEqual([]);
  });
});
