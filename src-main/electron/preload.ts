/**
 * The renderer's only door to the main process: `window.smt` with the contract's named calls and named
 * subscriptions, nothing generic (no invoke(channel), no ipcRenderer), so a compromised page can ask for
 * nothing the contract does not offer. Runs sandboxed: bundle it (CommonJS) with channels.ts inlined.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CallArgs, CallResult, EventPayload, IpcResult, SmtApi } from '../../src-shared/ipc';
// The names alone: the schemas (and zod) stay out of the sandboxed bundle.
import { namedApi, type CallName, type EventName } from '../../src-shared/ipc/names';
import { callChannel, eventChannel } from './channels';

const call =
  <C extends CallName>(name: C) =>
  (...args: CallArgs<C>): Promise<IpcResult<CallResult<C>>> =>
    ipcRenderer.invoke(callChannel(name), ...args);

const subscription =
  <E extends EventName>(name: E) =>
  (listener: (payload: EventPayload<E>) => void): (() => void) => {
    // The IPC event object stays here: the page gets the payload only, never a handle on the sender.
    const handler = (_event: IpcRendererEvent, payload: EventPayload<E>) => listener(payload);
    ipcRenderer.on(eventChannel(name), handler);
    return () => {
      ipcRenderer.removeListener(eventChannel(name), handler);
    };
  };

const api: SmtApi = namedApi(call, subscription);

contextBridge.exposeInMainWorld('smt', api);
