import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { callNames, err, eventNames, type SmtBackend } from '../../src-shared/ipc';
import { dispatchCall } from '../host/dispatch';
import { callChannel, eventChannel } from './channels';

export interface IpcOptions {
  ipcMain: IpcMain;
  backend: SmtBackend;
  window: BrowserWindow;
  /** URL of the bundled index.html (app://console/index.html): the only document allowed to call. */
  rendererUrl: string;
  log: (line: string) => void;
}

/** The document a frame shows, without query or fragment (the renderer may use either). */
function documentUrl(url: string): string | null {
  try {
    const u = new URL(url);
    u.search = '';
    u.hash = '';
    return u.href;
  } catch {
    return null;
  }
}

/**
 * The main process's side of the contract: one handler per call, each answering only the top frame of our
 * window showing our own bundle, with arguments checked against the contract before the core sees them.
 */
export function registerIpc(opts: IpcOptions): () => void {
  const { ipcMain, backend, window, rendererUrl, log } = opts;
  const contents = window.webContents;

  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame;
    return (
      event.sender === contents &&
      frame !== null &&
      frame.parent === null &&
      documentUrl(frame.url) === documentUrl(rendererUrl)
    );
  };

  for (const call of callNames) {
    ipcMain.handle(callChannel(call), async (event, ...args: unknown[]) => {
      if (!trusted(event)) {
        log(`ipc: refused ${call} from ${event.senderFrame?.url ?? 'a gone frame'}`);
        return err('forbidden', 'Only the console window may call the console.');
      }
      const outcome = await dispatchCall(backend, call, args);
      if (outcome.rejected) log(`ipc: rejected ${call} (${outcome.rejected})`);
      if (outcome.failure) log(`ipc: ${call} failed in the core: ${outcome.failure}`);
      return outcome.result;
    });
  }

  const unsubscribe = eventNames.map((event) =>
    backend.subscribe(event, (payload) => {
      if (!contents.isDestroyed()) contents.send(eventChannel(event), payload);
    }),
  );

  return () => {
    for (const call of callNames) ipcMain.removeHandler(callChannel(call));
    for (const off of unsubscribe) off();
  };
}
