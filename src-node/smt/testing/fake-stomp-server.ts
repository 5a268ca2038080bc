import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { BrokerEndpoint } from '../../../src-shared/profile';
import type { Transport } from '../tls-transport';

/**
 * A minimal STOMP 1.2 server over plain TCP for unit tests of the connection driver: it frames by
 * content-length like ActiveMQ, answers receipts, delivers to exact-destination subscriptions and can
 * freeze, drop or refuse on demand. Real broker behaviour is tested against ActiveMQ in tests/integration.
 */
export interface Frame {
  command: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface FakeServerOptions {
  /** Heart-beat header of CONNECTED and the pace of the server's own heart-beats (0 = none). */
  heartbeatMs?: number;
  /** Answer CONNECT with this ERROR message instead of CONNECTED. */
  refuseConnect?: string;
  /** Answer a SUBSCRIBE to this destination with an ERROR. */
  refuseSubscribe?: string;
  /** Messages waiting in a queue: dispatched on SUBSCRIBE, before its receipt, as a broker does. */
  backlog?: Record<string, string>;
  /**
   * Loses or repeats an incoming frame, as ActiveMQ 5.17's stomp+nio+ssl does now and then early in a
   * session (docs/architecture.md): `drop` ignores it, `twice` handles it two times.
   */
  mangle?: (frame: Frame) => 'drop' | 'twice' | undefined;
}

interface Conn {
  socket: Socket;
  buf: Buffer;
  subs: Map<string, { destination: string; ack: string }>;
  /** SENDs of an open transaction, delivered at its COMMIT. */
  transactions: Map<string, Frame[]>;
  heartbeat?: NodeJS.Timeout;
}

export class FakeStompServer {
  readonly frames: Frame[] = [];
  private readonly conns = new Set<Conn>();
  private server: Server | undefined;
  private frozen = false;
  private messageSeq = 0;
  port = 0;

  constructor(private readonly opts: FakeServerOptions = {}) {}

  async listen(): Promise<this> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  endpoint(name: BrokerEndpoint['name']): BrokerEndpoint {
    return { name, host: '127.0.0.1', port: this.port };
  }

  get connections(): number {
    return this.conns.size;
  }

  /** Subscriptions to `destination` over every open connection: the broker's consumer count. */
  consumers(destination: string): number {
    let n = 0;
    for (const c of this.conns) for (const sub of c.subs.values()) if (sub.destination === destination) n++;
    return n;
  }

  framesOf(command: string): Frame[] {
    return this.frames.filter((f) => f.command === command);
  }

  /** Stops answering and sending heart-beats while keeping the sockets open: a hung broker. */
  freeze(): void {
    this.frozen = true;
  }

  /** Closes every client socket at once, as a killed broker's kernel would. */
  dropAll(): void {
    for (const c of this.conns) c.socket.destroy();
  }

  /** Dispatches to subscriptions of `destination`; `headers.destination` may name the concrete one. */
  deliver(destination: string, body: Buffer | string, headers: Record<string, string> = {}): number {
    let n = 0;
    for (const c of this.conns) {
      for (const [id, sub] of c.subs) {
        if (sub.destination !== destination) continue;
        const messageId = `ID:fake-${++this.messageSeq}`;
        this.write(
          c,
          'MESSAGE',
          {
            destination,
            ...headers,
            subscription: id,
            'message-id': messageId,
            ack: messageId,
          },
          typeof body === 'string' ? Buffer.from(body) : body,
        );
        n++;
      }
    }
    return n;
  }

  /**
   * A MESSAGE for subscription `id` on every connection, whether or not it is still subscribed: what a
   * broker writes for a message it dispatched before an UNSUBSCRIBE removed the consumer.
   */
  deliverLate(id: string, destination: string, body: string): void {
    for (const c of this.conns) {
      const messageId = `ID:fake-${++this.messageSeq}`;
      this.write(
        c,
        'MESSAGE',
        { destination, subscription: id, 'message-id': messageId, ack: messageId },
        Buffer.from(body),
      );
    }
  }

  async close(): Promise<void> {
    this.dropAll();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    // Frames go out as they are written: with Nagle's algorithm a receipt waits for the client's delayed
    // ACK (40 ms), and a test of a thousand acknowledged messages spends most of its time idle.
    socket.setNoDelay(true);
    const c: Conn = { socket, buf: Buffer.alloc(0), subs: new Map(), transactions: new Map() };
    this.conns.add(c);
    socket.on('data', (chunk) => {
      if (this.frozen) return;
      c.buf = Buffer.concat([c.buf, chunk]);
      for (let f = this.parse(c); f; f = this.parse(c)) {
        const fault = this.opts.mangle?.(f);
        if (fault === 'drop') continue;
        this.handle(c, f);
        if (fault === 'twice') this.handle(c, f);
      }
    });
    socket.on('close', () => {
      clearInterval(c.heartbeat);
      this.conns.delete(c);
    });
    socket.on('error', () => undefined);
  }

  private parse(c: Conn): Frame | undefined {
    while (c.buf.length > 0 && (c.buf[0] === 0x0a || c.buf[0] === 0x0d)) c.buf = c.buf.subarray(1);
    const headerEnd = c.buf.indexOf('\n\n');
    if (headerEnd < 0) return undefined;
    const [command = '', ...lines] = c.buf.subarray(0, headerEnd).toString('utf8').split('\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const i = line.indexOf(':');
      if (i > 0 && !(line.slice(0, i) in headers)) headers[line.slice(0, i)] = unescape(line.slice(i + 1));
    }
    const start = headerEnd + 2;
    const length = headers['content-length'];
    const end = length !== undefined ? start + Number(length) : c.buf.indexOf(0, start);
    if (end < 0 || c.buf.length < end + 1) return undefined;
    const body = Buffer.from(c.buf.subarray(start, end));
    c.buf = c.buf.subarray(end + 1);
    return { command, headers, body };
  }

  private handle(c: Conn, f: Frame): void {
    this.frames.push(f);
    const receipt = () => {
      if (f.headers.receipt !== undefined) this.write(c, 'RECEIPT', { 'receipt-id': f.headers.receipt });
    };
    switch (f.command) {
      case 'CONNECT':
      case 'STOMP':
        if (this.opts.refuseConnect !== undefined) {
          this.write(c, 'ERROR', { message: this.opts.refuseConnect });
          c.socket.end();
          return;
        }
        this.write(c, 'CONNECTED', {
          version: '1.2',
          'heart-beat': `${this.opts.heartbeatMs ?? 0},${this.opts.heartbeatMs ?? 0}`,
        });
        if (this.opts.heartbeatMs) {
          c.heartbeat = setInterval(() => {
            if (!this.frozen) c.socket.write('\n');
          }, this.opts.heartbeatMs);
        }
        return;
      case 'SUBSCRIBE':
        if (f.headers.destination === this.opts.refuseSubscribe) {
          this.write(c, 'ERROR', { message: `User lab is not allowed to consume ${f.headers.destination}` });
          return;
        }
        c.subs.set(f.headers.id ?? '', {
          destination: f.headers.destination ?? '',
          ack: f.headers.ack ?? 'auto',
        });
        {
          const waiting = this.opts.backlog?.[f.headers.destination ?? ''];
          if (waiting !== undefined) this.deliver(f.headers.destination ?? '', waiting);
        }
        receipt();
        return;
      case 'UNSUBSCRIBE':
        c.subs.delete(f.headers.id ?? '');
        receipt();
        return;
      case 'SEND': {
        const held =
          f.headers.transaction === undefined ? undefined : c.transactions.get(f.headers.transaction);
        receipt();
        if (held) held.push(f);
        else this.deliver(f.headers.destination ?? '', f.body);
        return;
      }
      case 'BEGIN':
        c.transactions.set(f.headers.transaction ?? '', []);
        receipt();
        return;
      case 'COMMIT':
        for (const sent of c.transactions.get(f.headers.transaction ?? '') ?? []) {
          this.deliver(sent.headers.destination ?? '', sent.body);
        }
        c.transactions.delete(f.headers.transaction ?? '');
        receipt();
        return;
      case 'ABORT':
        c.transactions.delete(f.headers.transaction ?? '');
        receipt();
        return;
      case 'DISCONNECT':
        receipt();
        c.socket.end();
        return;
      default:
        receipt();
    }
  }

  private write(
    c: Conn,
    command: string,
    headers: Record<string, string>,
    body: Buffer = Buffer.alloc(0),
  ): void {
    // STOMP 1.2 escapes header octets in every frame but CONNECTED; ERROR is left plain here because the
    // fake sends it before CONNECTED, when the client still reads headers as STOMP 1.0.
    const esc = command === 'MESSAGE' ? escape : (v: string) => v;
    const head = Object.entries({ ...headers, 'content-length': String(body.length) })
      .map(([k, v]) => `${esc(k)}:${esc(v)}`)
      .join('\n');
    c.socket.write(Buffer.concat([Buffer.from(`${command}\n${head}\n\n`), body, Buffer.from([0])]));
  }
}

const unescapes: Record<string, string> = { '\\c': ':', '\\n': '\n', '\\r': '\r', '\\\\': '\\' };
const unescape = (v: string) => v.replace(/\\[cnr\\]/g, (e) => unescapes[e] ?? e);
const escape = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/:/g, '\\c').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

/** Plain TCP instead of TLS, for the fake server. */
export const plainTransport: Transport = (broker, _tls, ready) =>
  netConnect({ host: broker.host, port: broker.port, noDelay: true }, ready);
