import { beforeAll, describe, expect, it, vi } from 'vitest';
import { callNames, eventNames, subscribeName, type SmtApi } from '../../src-shared/ipc';
import { callChannel, eventChannel } from './channels';

// The preload runs inside Electron; here its two Electron objects are recorded instead.
const exposed = new Map<string, unknown>();
const invoked: unknown[][] = [];
const listeners = new Map<string, ((...a: unknown[]) => void)[]>();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (...a: unknown[]) => {
      invoked.push(a);
      return { ok: true, value: null };
    },
    on: (channel: string, l: (...a: unknown[]) => void) =>
      listeners.set(channel, [...(listeners.get(channel) ?? []), l]),
    removeListener: (channel: string, l: (...a: unknown[]) => void) =>
      listeners.set(
        channel,
        (listeners.get(channel) ?? []).filter((x) => x !== l),
      ),
  },
}));

describe('preload', () => {
  let api: SmtApi;
  beforeAll(async () => {
    await import('./preload');
    api = exposed.get('smt') as SmtApi;
  });

  it('exposes window.smt with the named calls and subscriptions of the contract, nothing else', () => {
    expect([...exposed.keys()]).toEqual(['smt']);
    expect(Object.keys(api).sort()).toEqual([...callNames, ...eventNames.map(subscribeName)].sort());
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
  });

  it('each call goes to its own channel', async () => {
    await api.getFleet();
    await api.getRejects();
    expect(invoked).toEqual([[callChannel('getFleet')], [callChannel('getRejects')]]);
  });

  it('a subscription hands the page the payload only, and can be undone', () => {
    const got: unknown[] = [];
    const off = api.onFleetPatch((p) => got.push(p));
    const channel = eventChannel('fleetPatch');
    const senderEvent = { sender: 'the IPC event must not reach the page' };
    for (const l of listeners.get(channel) ?? []) l(senderEvent, { at: 1, upserts: [] });
    expect(got).toEqual([{ at: 1, upserts: [] }]);
    off();
    expect(listeners.get(channel)).toEqual([]);
  });
});
