import type { ConnectionStatus, RejectCounters } from '../../src-shared/ipc';
import type { LinkState } from '../api/link';
import type { SliceCreator } from './slice';

export interface ConnectionState {
  /** The page's own link to the console (the bridge in a browser; always up in Electron). */
  link: LinkState;
  /** Frames from the host that did not match the contract. */
  linkRejects: number;
  /** The console's broker connection, as the core reports it. */
  connection: ConnectionStatus | null;
  rejects: RejectCounters | null;
  /** The last call that failed, with what to do next. */
  callError: string | null;
}

export interface ConnectionActions {
  setLink(link: LinkState, linkRejects: number): void;
  setConnection(connection: ConnectionStatus): void;
  setRejects(rejects: RejectCounters): void;
  setCallError(message: string | null): void;
}

export type ConnectionSlice = ConnectionState & ConnectionActions;

export const initialConnection: ConnectionState = {
  link: { kind: 'connecting', attempt: 1 },
  linkRejects: 0,
  connection: null,
  rejects: null,
  callError: null,
};

export const createConnectionSlice: SliceCreator<ConnectionSlice> = (set) => ({
  ...initialConnection,
  setLink: (link, linkRejects) => set({ link, linkRejects }),
  setConnection: (connection) => set({ connection }),
  setRejects: (rejects) => set({ rejects }),
  setCallError: (callError) => set({ callError }),
});
