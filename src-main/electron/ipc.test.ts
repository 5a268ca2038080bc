import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { callNames } from '../../src-shared/ipc';
import { FakeBackend, remoteView } from '../host/testing/fake-backend';
import { callChannel, eventChannel } from './channels';
import { registerIpc } from './ipc';

const rendererUrl = 'file:///opt/smt/resources/app.asar/dist/renderer/index.html';
type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

/** Just enough of ipcMain, a window and its frames to drive the adapter without the Electron runtime. */
function setup() {
  const handlers = new Map<string, Handler>();
  const ipcMain = {
    handle: (channel: string, h: Handler) => handlers.set(channel, h),
    removeHandler: (channel: string) => handlers.delete(channel),
  };
  const sent: [string, unknown][] = [];
  const contents = {
    isDestroyed: () => false,
    send: (channel: string, p: unknown) => sent.push([channel, p]),
  };
  const window = { webContents: contents };
  const backend = new FakeBackend();
  const logs: string[] = [];
  const unregister = registerIpc({
    // The fakes stand in for Electron objects the adapter only reads a few members of.
    ipcMain: ipcMain as unknown as IpcMain,
    window: window as unknown as BrowserWindow,
    backend,
    rendererUrl,
    log: (l) => logs.push(l),
  });
  const top = { url: `${rendererUrl}#fleet`, parent: null };
  const event = (over: Partial<{ sender: unknown; senderFrame: unknown }> = {}) =>
    ({ sender: contents, senderFrame: top, ...over }) as unknown as IpcMainInvokeEvent;
  const invoke = (channel: string, e: IpcMainInvokeEvent, ...args: unknown[]) => {
    const h = handlers.get(channel);
    if (!h) throw new Error(`no handler for ${channel}`);
    return h(e, ...args);
  };
  return { handlers, sent, backend, logs, unregister, top, event, invoke };
}

describe('Electron IPC adapter', () => {
  it('registers one handler per call of the contract and removes them all', () => {
    const s = setup();
    expect([...s.handlers.keys()].sort()).toEqual(callNames.map(callChannel).sort());
    s.unregister();
    expect(s.handlers.size).toBe(0);
    expect(s.backend.listenerCount('fleetPatch')).toBe(0);
  });

  it('answers the top frame of our window showing our bundle', async () => {
    const s = setup();
    const result = await s.invoke(callChannel('getFleet'), s.event());
    expect(result).toMatchObject({ ok: true, value: { remotes: [{ id: 'r-0001' }, { id: 'r-0002' }] } });
  });

  it('refuses other windows, subframes and other documents before the core sees anything', async () => {
    const s = setup();
    const refusals = [
      s.event({ sender: { other: true } }),
      s.event({ senderFrame: { url: rendererUrl, parent: s.top } }),
      s.event({ senderFrame: { url: 'https://evil.example/', parent: null } }),
      s.event({ senderFrame: { url: 'file:///tmp/index.html', parent: null } }),
      s.event({ senderFrame: null }),
    ];
    for (const e of refusals) {
      expect(await s.invoke(callChannel('getRejects'), e)).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    expect(s.backend.received).toEqual([]);
    expect(s.logs).toHaveLength(refusals.length);
  });

  it('checks the arguments against the contract', async () => {
    const s = setup();
    const result = await s.invoke(callChannel('getConnection'), s.event(), { sneaky: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(s.backend.received).toEqual([]);
  });

  it('forwards core events to the window on named channels', () => {
    const s = setup();
    const patch = { at: 1, upserts: [remoteView('r-0009')] };
    s.backend.emit('fleetPatch', patch);
    s.backend.emit('connectionChanged', s.backend.connection);
    expect(s.sent).toEqual([
      [eventChannel('fleetPatch'), patch],
      [eventChannel('connectionChanged'), s.backend.connection],
    ]);
  });
});
