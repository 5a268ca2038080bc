import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SmtBackend } from '../../src-shared/ipc';
import { attachBridge, type BridgeStats } from './bridge';
import { securityHeaders } from './headers';
import { Session } from './session';
import { StaticFiles } from './static-files';
import { errorText } from '../../src-shared/util/error-text';

export interface HostOptions {
  backend: SmtBackend;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The renderer bundle (dist/renderer). */
  staticDir: string;
  log?: (line: string) => void;
  /**
   * How long the session outlives its last page (a reload or a dropped link comes back well within it);
   * then the token rotates and `onNewUrl` gets the URL that opens the next session.
   */
  sessionGraceMs?: number;
  onNewUrl?: (url: string) => void;
}

export interface RunningHost {
  /** The URL to open, token included: print it, never log it elsewhere. The current session's. */
  readonly url: string;
  readonly token: string;
  port: number;
  origin: string;
  bridgeStats(): BridgeStats;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';
export const DEFAULT_SESSION_GRACE_MS = 60_000;

const forbiddenPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SMT Console: access refused</title></head>
<body><h1>Access refused</h1>
<p>This page needs the session token. Open the URL printed by the console when it started
(the line beginning with <code>Console: http://127.0.0.1:</code>).</p></body></html>
`;

/**
 * The browser host (design.md §8): the renderer bundle and the WebSocket bridge on the loopback interface
 * only, both behind a per-start session token.
 */
export async function startHost(opts: HostOptions): Promise<RunningHost> {
  const log = opts.log ?? ((line: string) => console.error(`[host] ${line}`));
  const files = await StaticFiles.open(opts.staticDir);
  if (!(await files.read('/index.html'))) {
    throw new Error(
      `${opts.staticDir} has no index.html: build the renderer first (npm run build:renderer).`,
    );
  }
  const session = new Session();
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${LOOPBACK}:${port}`;
  const headers = securityHeaders(port);

  const respond = (res: ServerResponse, status: number, type: string, body: string | Buffer, extra = {}) => {
    res.writeHead(status, { ...headers, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    // A name that resolves to 127.0.0.1 (DNS rebinding) does not make another site this origin.
    if (req.headers.host !== `${LOOPBACK}:${port}`) {
      return respond(
        res,
        421,
        'text/plain; charset=utf-8',
        `Open ${origin}/ with the token the console printed.\n`,
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return respond(res, 405, 'text/plain; charset=utf-8', 'Method not allowed.\n', { Allow: 'GET, HEAD' });
    }
    const url = new URL(req.url ?? '/', origin);
    const auth = session.authorize(req, url);
    if (!auth.ok) return respond(res, 403, 'text/html; charset=utf-8', forbiddenPage);
    const file = await files.read(url.pathname);
    if (!file) return respond(res, 404, 'text/plain; charset=utf-8', 'Not found.\n');
    const cookie = auth.viaQuery ? { 'Set-Cookie': session.setCookieHeader() } : {};
    const cache = file.immutable ? 'private, max-age=31536000, immutable' : 'no-store';
    respond(res, 200, file.contentType, file.body, { ...cookie, 'Cache-Control': cache });
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    onRequest(req, res).catch((e: unknown) => {
      log(`request ${req.url ?? ''} failed: ${errorText(e)}`);
      if (!res.headersSent)
        respond(res, 500, 'text/plain; charset=utf-8', 'Internal error; see the console log.\n');
      else res.destroy();
    });
  });

  const urlOf = () => `${origin}/?token=${session.token}`;
  const grace = opts.sessionGraceMs ?? DEFAULT_SESSION_GRACE_MS;
  let idle: NodeJS.Timeout | undefined;
  // A session starts with its first page and ends when no page has been open for `grace`: a URL copied
  // from the history, a log or a shoulder then opens nothing (docs/security.md, "Browser host").
  const onClients = (count: number) => {
    clearTimeout(idle);
    if (count > 0) return;
    idle = setTimeout(() => {
      session.rotate();
      log(`session ended: no page open for ${Math.round(grace / 1000)} s; its URL and cookie are void`);
      opts.onNewUrl?.(urlOf());
    }, grace);
    idle.unref();
  };

  const bridge = attachBridge({
    server,
    backend: opts.backend,
    origin,
    authorize: (req, url) => session.authorize(req, url).ok,
    log,
    onClients,
  });

  return {
    get url() {
      return urlOf();
    },
    get token() {
      return session.token;
    },
    port,
    origin,
    bridgeStats: () => bridge.stats(),
    close: async () => {
      clearTimeout(idle);
      await bridge.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
