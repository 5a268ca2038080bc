import { describe, expect, it } from 'vitest';
import { DeliveryStateName, type PushProgressEvent } from '../../src-shared/ipc';
import { createSmtStore } from './index';

const event = (pushId: string, at: number, applied: number): PushProgressEvent => ({
  pushId,
  state: 'open',
  haltReason: null,
  at,
  summary: {
    total: 2,
    counts: {
      ...Object.fromEntries(DeliveryStateName.options.map((k) => [k, 0])),
      applied,
    } as PushProgressEvent['summary']['counts'],
    done: applied,
    waitingForRemote: { count: 0 },
    isComplete: applied === 2,
  },
});

describe('push slice', () => {
  it('keeps the newest progress per push, whatever order the events come in', () => {
    const store = createSmtStore();
    const a = '8a1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const b = '9a1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    store.getState().takePushProgress([event(a, 10, 1), event(b, 11, 0)]);
    store.getState().takePushProgress([event(a, 20, 2), event(a, 15, 1)]);
    expect(store.getState().pushProgress.get(a)?.summary.done).toBe(2);
    expect(store.getState().pushProgress.get(b)?.at).toBe(11);
  });

  it('hands the fleet’s selection to the push screen as a copy', () => {
    const store = createSmtStore();
    const ids = ['r-1', 'r-2'];
    store.getState().setPushTargets(ids);
    ids.push('r-3');
    expect(store.getState().pushTargets).toEqual(['r-1', 'r-2']);
  });

  it('opens the Push screen with a plan, each plan a new one', () => {
    const store = createSmtStore();
    const plan = {
      request: {
        object: { kind: 'zone' as const, name: 'example.test' },
        op: 'upsert' as const,
        payload: { format: 'zone-text' as const, text: '@ IN NS ns1\n' },
        selector: { kind: 'ids' as const, ids: ['r-1'] },
      },
      summary: 'reconcile zone example.test to version 3 on 1 remote',
      remoteIds: ['r-1'],
    };
    store.getState().openPlannedPush(plan);
    expect(store.getState().route).toEqual({ screen: 'push', pushId: null });
    expect(store.getState().pushPlan).toEqual({ ...plan, seq: 1 });
    store.getState().openPlannedPush(plan);
    expect(store.getState().pushPlan?.seq).toBe(2);
    store.getState().clearPushPlan();
    expect(store.getState().pushPlan).toBeNull();
  });
});
