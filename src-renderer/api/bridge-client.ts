import { backoffDelay, defaultMachineConfig } from '../../src-shared/connection/machine';
import {
  BridgeResponse,
  calls,
  err,
  events,
  ipcResultOf,
  namedApi,
  type CallArgs,
  type CallName,
  type CallResult,
  type EventName,
  type EventPayload,
  type EventPayloads,
  type IpcResult,
  type SmtApi,
} from '../../src-shared/ipc';
import { TypedEmitter } from '../../src-shared/util/typed-emitter';
import type { LinkSource, LinkState } from './link';

/** The subset of the DOM WebSocket the client uses, so tests can hand in their own. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: Event) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface BridgeClientOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  /** How long a call may wait for its answer. */
  callTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface BridgeClient {
  api: SmtApi;
  link: LinkSource;
  close(): void;
}

const OPEN = 1;
/** The reconnect pace of the broker connections suits the bridge too: quick at first, capped at 3 s. */
const backoff = defaultMachineConfig(1);

interface Pending {
  call: CallName;
  resolve: (result: IpcResult<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * SmtApi over the browser host's WebSocket bridge. Every frame received is checked against the contract
 * (frame shape, then the call's result or the event's payload schema); a bad one is counted, logged and
 * dropped. A call made while the link is not up (a page just loaded on a bookmarked screen, or
 * reconnecting) waits for it, within the call's time limit. When the socket drops, calls already sent
 * fail with `unavailable` (the host may or may not have acted on them) and the client reconnects with
 * backoff; the page shows the link as lost meanwhile.
 */
export function connectBridge(opts: BridgeClientOptions): BridgeClient {
  const createSocket = opts.createSocket ?? ((url: string) => new WebSocket(url));
  const callTimeoutMs = opts.callTimeoutMs ?? 30_000;
  const log = opts.log ?? ((line: string) => console.warn(`[bridge] ${line}`));
  const pending = new Map<number, Pending>();
  /** Frames of pending calls made while the link was down, sent once it is up. */
  const unsent = new Map<number, string>();
  const listeners = new TypedEmitter<EventPayloads>();
  const linkListeners = new Set<(s: LinkState) => void>();
  let state: LinkState = { kind: 'connecting', attempt: 1 };
  let rejected = 0;
  let nextId = 1;
  let socket: SocketLike | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const setState = (next: LinkState) => {
    state = next;
    for (const l of linkListeners) l(next);
  };

  const reject = (why: string) => {
    rejected++;
    log(`dropped a frame from the host: ${why}`);
    setState(state);
  };

  /** Fails the calls the host has; the unsent ones go on waiting for the link. */
  const failPending = (message: string) => {
    for (const [id, p] of pending) {
      if (unsent.has(id)) continue;
      clearTimeout(p.timer);
      p.resolve(err('unavailable', message));
      pending.delete(id);
    }
  };

  const onMessage = (data: unknown) => {
    if (typeof data !== 'string') return reject('not a text frame');
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return reject('not JSON');
    }
    const frame = BridgeResponse.safeParse(json);
    if (!frame.success) return reject('not a bridge frame');
    if (frame.data.kind === 'result') {
      const { id, result } = frame.data;
      const p = pending.get(id);
      if (!p) {
        // The host answers frames it could not read with id -1: that is a bug on this side worth seeing.
        if (id === -1) log(`the host refused a frame: ${JSON.stringify(result)}`);
        else reject(`an answer to unknown call id ${id}`);
        return;
      }
      pending.delete(id);
      clearTimeout(p.timer);
      const parsed = ipcResultOf(calls[p.call].result).safeParse(result);
      if (!parsed.success) {
        reject(`the answer to ${p.call} does not match the contract`);
        p.resolve(
          err('internal', `The console sent an answer to ${p.call} that this page cannot read; reload it.`),
        );
        return;
      }
      p.resolve(parsed.data as IpcResult<unknown>);
      return;
    }
    const { event, payload } = frame.data;
    if (!Object.hasOwn(events, event)) return reject(`unknown event ${event.slice(0, 64)}`);
    const name = event as EventName;
    const parsed = events[name].safeParse(payload);
    if (!parsed.success) return reject(`a ${name} event that does not match the contract`);
    listeners.emit(name, parsed.data);
  };

  const connect = (attempt: number) => {
    retryTimer = null;
    setState({ kind: 'connecting', attempt });
    const ws = createSocket(opts.url);
    socket = ws;
    ws.onopen = () => {
      setState({ kind: 'open', since: Date.now() });
      for (const frame of unsent.values()) ws.send(frame);
      unsent.clear();
    };
    ws.onmessage = (ev) => onMessage(ev.data);
    ws.onerror = () => undefined; // onclose follows with the code; an error event carries nothing more.
    ws.onclose = (ev) => {
      if (socket !== ws) return;
      socket = null;
      const wasOpen = state.kind === 'open';
      failPending('The link to the console dropped; the page is reconnecting.');
      if (closed) return;
      const nextAttempt = wasOpen ? 1 : attempt + 1;
      const delay = backoffDelay(backoff, nextAttempt, Math.random());
      const reason = wasOpen
        ? `connection closed (${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`
        : 'the console did not accept the connection';
      setState({ kind: 'lost', attempt: nextAttempt, retryAt: Date.now() + delay, reason });
      retryTimer = setTimeout(() => connect(nextAttempt), delay);
    };
  };

  const invoke = <C extends CallName>(call: C, args: CallArgs<C>): Promise<IpcResult<CallResult<C>>> =>
    new Promise((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        const neverSent = unsent.delete(id);
        resolve(
          err(
            'unavailable',
            neverSent
              ? `Not connected to the console for ${callTimeoutMs / 1000} s; the page reconnects by itself.`
              : `No answer to ${call} within ${callTimeoutMs / 1000} s; the console may be busy.`,
          ),
        );
      }, callTimeoutMs);
      pending.set(id, { call, resolve: resolve as (r: IpcResult<unknown>) => void, timer });
      const frame = JSON.stringify({ kind: 'invoke', id, call, args });
      const ws = socket;
      if (ws && state.kind === 'open' && ws.readyState === OPEN) ws.send(frame);
      else unsent.set(id, frame);
    });

  const on =
    <E extends EventName>(event: E) =>
    (listener: (payload: EventPayload<E>) => void) =>
      listeners.on(event, listener);

  const api: SmtApi = namedApi(
    (name) =>
      (...args) =>
        invoke(name, args),
    on,
  );

  connect(1);

  return {
    api,
    link: {
      state: () => state,
      rejectedFrames: () => rejected,
      onChange: (listener) => {
        linkListeners.add(listener);
        return () => {
          linkListeners.delete(listener);
        };
      },
    },
    close: () => {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      unsent.clear();
      failPending('The page closed its link to the console.');
      socket?.close(1000, 'page closed');
      socket = null;
    },
  };
}
