/** The renderer's own link to the console: a WebSocket to the browser host, or Electron IPC (always open). */
export type LinkState =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'open'; since: number }
  | { kind: 'lost'; attempt: number; retryAt: number; reason: string };

export interface LinkSource {
  state(): LinkState;
  /** Frames from the host that did not match the contract, counted and dropped. */
  rejectedFrames(): number;
  onChange(listener: (state: LinkState) => void): () => void;
}
