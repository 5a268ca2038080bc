import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  BRIDGE_PATH,
  BridgeRequest,
  MAX_BRIDGE_FRAME_BYTES,
  err,
  eventNames,
  type BridgeResponse,
  type IpcResult,
  type SmtBackend,
} from '../../src-shared/ipc';
import { dispatchCall, type CallRejection } from './dispatch';

export type FrameRejection = CallRejection | 'binary' | 'too-large' | 'not-json' | 'bad-frame' | 'busy';
export type UpgradeRefusal = 'wrong-path' | 'wrong-host' | 'foreign-origin' | 'no-session';

export interface BridgeStats {
  clients: number;
  rejectedFrames: Partial<Record<FrameRejection, number>>;
  refusedUpgrades: Partial<Record<UpgradeRefusal, number>>;
}

export interface BridgeOptions {
  server: Server;
  backend: SmtBackend;
  /** `http://127.0.0.1:<port>`: the only page allowed to open the bridge. */
  origin: string;
  authorize: (req: IncomingMessage, url: URL) => boolean;
  log: (line: string) => void;
  /** Told the number of open pages each time a page connects or goes. */
  onClients?: (count: number) => void;
}

export interface Bridge {
  stats(): BridgeStats;
  close(): Promise<void>;
}

/** A response to a frame whose id could not be read: the client logs it, no pending call is resolved. */
export const NO_ID = -1;
/** Frames above the contract's limit still get an answer; far above it, ws drops the connection. */
const HARD_FRAME_LIMIT = 4 * MAX_BRIDGE_FRAME_BYTES;
const MAX_IN_FLIGHT = 32;
/** A client this far behind gets closed: it reconnects and starts again from a fresh snapshot. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * The browser host's side of the IPC contract over one WebSocket per page. Only a page of this host's own
 * origin holding the session may connect; every frame is checked against the contract before the core sees
 * it, and a bad one is answered with a specific error, counted and logged, never fatal.
 */
export function attachBridge(opts: BridgeOptions): Bridge {
  const { server, backend, origin, log } = opts;
  const host = new URL(origin).host;
  const wss = new WebSocketServer({ noServer: true, maxPayload: HARD_FRAME_LIMIT });
  const rejectedFrames: BridgeStats['rejectedFrames'] = {};
  const refusedUpgrades: BridgeStats['refusedUpgrades'] = {};
  const clients = new Set<WebSocket>();
  let unsubscribe: (() => void) | null = null;

  const refuse = (socket: Duplex, reason: UpgradeRefusal, status: 401 | 403 | 404) => {
    refusedUpgrades[reason] = (refusedUpgrades[reason] ?? 0) + 1;
    log(`bridge: refused a WebSocket upgrade (${reason})`);
    const text = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status];
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== BRIDGE_PATH) return refuse(socket, 'wrong-path', 404);
    if (req.headers.host !== host) return refuse(socket, 'wrong-host', 403);
    // Browsers always send Origin on WebSocket upgrades; a foreign page cannot forge it, and the session
    // cookie alone would not stop it (cookies go with cross-site WebSocket requests in some browsers).
    if (req.headers.origin !== origin) return refuse(socket, 'foreign-origin', 403);
    if (!opts.authorize(req, url)) return refuse(socket, 'no-session', 401);
    wss.handleUpgrade(req, socket, head, (ws) => onClient(ws));
  };
  server.on('upgrade', onUpgrade);

  const broadcast = (frame: BridgeResponse) => {
    const text = JSON.stringify(frame);
    for (const ws of clients) send(ws, text);
  };

  const send = (ws: WebSocket, text: string) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      log('bridge: closing a client that stopped reading; it will reconnect and reload the fleet');
      ws.close(1013, 'too far behind; reconnect');
      return;
    }
    ws.send(text);
  };

  const subscribeEvents = () => {
    const offs = eventNames.map((event) =>
      backend.subscribe(event, (payload) => broadcast({ kind: 'event', event, payload })),
    );
    return () => offs.forEach((off) => off());
  };

  const onClient = (ws: WebSocket) => {
    clients.add(ws);
    opts.onClients?.(clients.size);
    // One subscription to the core for all pages, held only while a page is open.
    unsubscribe ??= subscribeEvents();
    const loggedReasons = new Set<FrameRejection>();
    let inFlight = 0;

    const reply = (id: number, result: IpcResult<unknown>) =>
      send(ws, JSON.stringify({ kind: 'result', id, result } satisfies BridgeResponse));

    const reject = (id: number, reason: FrameRejection, result: IpcResult<never>) => {
      rejectedFrames[reason] = (rejectedFrames[reason] ?? 0) + 1;
      // Once per reason and page: a looping client must not flood the log; the counters keep the total.
      if (!loggedReasons.has(reason)) {
        loggedReasons.add(reason);
        log(`bridge: rejected a frame (${reason}): ${result.ok ? '' : result.error.message}`);
      }
      reply(id, result);
    };

    ws.on('message', async (data: RawData, isBinary: boolean) => {
      if (isBinary)
        return reject(NO_ID, 'binary', err('bad-request', 'The bridge accepts JSON text frames only.'));
      const bytes = toBuffer(data);
      if (bytes.length > MAX_BRIDGE_FRAME_BYTES) {
        return reject(
          NO_ID,
          'too-large',
          err(
            'bad-request',
            `A frame of ${bytes.length} bytes exceeds the ${MAX_BRIDGE_FRAME_BYTES}-byte limit.`,
          ),
        );
      }
      let json: unknown;
      try {
        json = JSON.parse(bytes.toString('utf8'));
      } catch {
        return reject(NO_ID, 'not-json', err('bad-request', 'The frame is not JSON.'));
      }
      const frame = BridgeRequest.safeParse(json);
      if (!frame.success) {
        return reject(
          idOf(json),
          'bad-frame',
          err('bad-request', 'The frame is not a bridge request {kind:"invoke", id, call, args}.'),
        );
      }
      const { id, call, args } = frame.data;
      if (inFlight >= MAX_IN_FLIGHT) {
        return reject(
          id,
          'busy',
          err('unavailable', `More than ${MAX_IN_FLIGHT} calls pending; retry shortly.`),
        );
      }
      inFlight++;
      try {
        const outcome = await dispatchCall(backend, call, args);
        if (outcome.rejected) return reject(id, outcome.rejected, outcome.result as IpcResult<never>);
        if (outcome.failure) log(`bridge: ${call} failed in the core: ${outcome.failure}`);
        reply(id, outcome.result);
      } finally {
        inFlight--;
      }
    });

    ws.on('error', (e) => log(`bridge: client error: ${e.message}`));
    ws.on('close', () => {
      clients.delete(ws);
      if (clients.size === 0 && unsubscribe) {
        unsubscribe();
        unsubscribe = null;
      }
      opts.onClients?.(clients.size);
    });
  };

  return {
    stats: () => ({
      clients: clients.size,
      rejectedFrames: { ...rejectedFrames },
      refusedUpgrades: { ...refusedUpgrades },
    }),
    close: async () => {
      server.off('upgrade', onUpgrade);
      for (const ws of clients) ws.terminate();
      await new Promise<void>((done) => wss.close(() => done()));
    },
  };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function idOf(json: unknown): number {
  const id = typeof json === 'object' && json !== null && 'id' in json ? json.id : undefined;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : NO_ID;
}
