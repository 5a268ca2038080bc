/**
 * A deliberately small STOMP 1.2 client over node:tls (or plain TCP) for broker tests. Unlike stompit it
 * never closes the socket by itself on an ERROR frame and records everything: every frame received,
 * whether the TLS handshake completed, and how the socket ended.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { hostPort } from '../../src-shared/broker/address';
import type { TlsFiles } from '../../src-shared/profile';

export interface StompFrame {
  command: string;
  headers: Record<string, string>;
  body: string;
}

export interface ProbeTls {
  ca: Buffer | string;
  cert?: Buffer | string;
  key?: Buffer | string;
  /** Pin TLS 1.2 to see a refused client certificate as a failed handshake (TLS 1.3 reports it after). */
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** A certificate's files (with a plain key: a remote's, or an extra console's) as a probe's TLS. */
export function probeTls(files: TlsFiles): ProbeTls {
  return {
    ca: readFileSync(files.caFile),
    cert: readFileSync(files.certFile),
    key: readFileSync(files.keyFile),
  };
}

export interface ProbeOptions {
  port: number;
  host?: string;
  /** Omit for a plaintext TCP connection. */
  tls?: ProbeTls;
  timeoutMs?: number;
}

export class HandshakeError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

const unescapeHeader = (v: string) =>
  v.replace(/\\([\\cnr])/g, (_, c: string) => ({ '\\': '\\', c: ':', n: '\n', r: '\r' })[c] as string);
const escapeHeader = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/:/g, '\\c').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

export class StompProbe {
  readonly frames: StompFrame[] = [];
  /** Raw bytes received, for plaintext checks where no STOMP frame may appear at all. */
  received = Buffer.alloc(0);
  closed = false;
  socketError: Error | undefined;
  private buffer = Buffer.alloc(0);
  private waiters = new Set<() => void>();

  private constructor(readonly socket: Socket | TLSSocket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.parse();
      this.notify();
    });
    socket.on('error', (e) => {
      this.socketError = e;
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  /** Opens the socket; for TLS resolves after the handshake and rejects with HandshakeError when it fails. */
  static open(opts: ProbeOptions): Promise<StompProbe> {
    const host = opts.host ?? '127.0.0.1';
    const timeoutMs = opts.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const socket = opts.tls
        ? tlsConnect({ host, port: opts.port, ...opts.tls, minVersion: 'TLSv1.2' })
        : tcpConnect({ host, port: opts.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new HandshakeError(
            `no connection to ${hostPort({ host, port: opts.port })} within ${timeoutMs} ms`,
            'ETIMEDOUT',
          ),
        );
      }, timeoutMs);
      const fail = (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new HandshakeError(e.message, e.code));
      };
      socket.once('error', fail);
      socket.once(opts.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', fail);
        resolve(new StompProbe(socket));
      });
    });
  }

  /** Open + CONNECT; resolves with the broker's answer (CONNECTED or ERROR), rejects if the socket ends first. */
  static async session(opts: ProbeOptions): Promise<{ probe: StompProbe; reply: StompFrame }> {
    const probe = await StompProbe.open(opts);
    probe.write('CONNECT', { 'accept-version': '1.2', host: 'localhost', 'heart-beat': '0,0' });
    const reply = await probe.waitFor(
      (f) => f.command === 'CONNECTED' || f.command === 'ERROR',
      opts.timeoutMs,
    );
    return { probe, reply };
  }

  write(command: string, headers: Record<string, string>, body = ''): void {
    const bytes = Buffer.from(body, 'utf8');
    const lines = Object.entries({
      ...headers,
      ...(body ? { 'content-length': String(bytes.length) } : {}),
    }).map(([k, v]) => `${escapeHeader(k)}:${command === 'CONNECT' ? v : escapeHeader(v)}`);
    this.socket.write(
      Buffer.concat([Buffer.from(`${command}\n${lines.join('\n')}\n\n`), bytes, Buffer.from([0])]),
    );
  }

  /** SUBSCRIBE with a receipt: resolves with the RECEIPT or the ERROR the broker answered. */
  async subscribe(destination: string, id: string, extra: Record<string, string> = {}): Promise<StompFrame> {
    return this.request('SUBSCRIBE', { destination, id, ack: 'auto', ...extra });
  }

  /** SEND with a receipt: resolves with the RECEIPT or the ERROR the broker answered. */
  async send(destination: string, body: string, extra: Record<string, string> = {}): Promise<StompFrame> {
    return this.request('SEND', { destination, 'content-type': 'application/json', ...extra }, body);
  }

  private async request(command: string, headers: Record<string, string>, body = ''): Promise<StompFrame> {
    const receipt = `${command.toLowerCase()}-${Math.random().toString(36).slice(2)}`;
    const from = this.frames.length;
    this.write(command, { ...headers, receipt }, body);
    return this.waitFor(
      (f, i) =>
        i >= from &&
        ((f.command === 'RECEIPT' && f.headers['receipt-id'] === receipt) || f.command === 'ERROR'),
    );
  }

  /** The first frame (already received or still to come) matching pred; rejects at the deadline or on close. */
  async waitFor(pred: (f: StompFrame, index: number) => boolean, timeoutMs = 10_000): Promise<StompFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(pred);
      if (found) return found;
      if (this.closed) throw new Error(`socket closed before the expected frame; got ${this.describe()}`);
      if (Date.now() > deadline)
        throw new Error(`no expected frame within ${timeoutMs} ms; got ${this.describe()}`);
      await this.changed(deadline - Date.now());
    }
  }

  /** Resolves with the time it took once the socket is closed; rejects at the deadline. */
  async waitClosed(timeoutMs = 10_000): Promise<number> {
    const start = Date.now();
    const deadline = start + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline)
        throw new Error(`socket still open after ${timeoutMs} ms; got ${this.describe()}`);
      await this.changed(deadline - Date.now());
    }
    return Date.now() - start;
  }

  close(): void {
    this.socket.destroy();
  }

  describe(): string {
    return this.frames.length
      ? this.frames.map((f) => `${f.command}${f.headers.message ? ` (${f.headers.message})` : ''}`).join(', ')
      : `no frames (${this.received.length} bytes)`;
  }

  private changed(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.waiters.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, timeoutMs));
      this.waiters.add(wake);
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private parse(): void {
    for (;;) {
      // Heart-beat EOLs between frames.
      while (this.buffer.length && (this.buffer[0] === 0x0a || this.buffer[0] === 0x0d)) {
        this.buffer = this.buffer.subarray(1);
      }
      const headEnd = this.buffer.indexOf('\n\n');
      const headEndCr = this.buffer.indexOf('\r\n\r\n');
      const useCr = headEndCr >= 0 && (headEnd < 0 || headEndCr < headEnd);
      const end = useCr ? headEndCr : headEnd;
      if (end < 0) return;
      const [command = '', ...lines] = this.buffer.subarray(0, end).toString('utf8').split(/\r?\n/);
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        const k = unescapeHeader(line.slice(0, i));
        // STOMP 1.2: the first occurrence of a repeated header wins.
        if (i > 0 && !(k in headers)) headers[k] = unescapeHeader(line.slice(i + 1));
      }
      const bodyStart = end + (useCr ? 4 : 2);
      const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
      const bodyEnd = length === undefined ? this.buffer.indexOf(0, bodyStart) : bodyStart + length;
      if (bodyEnd < 0 || this.buffer.length < bodyEnd + 1) return;
      this.frames.push({ command, headers, body: this.buffer.subarray(bodyStart, bodyEnd).toString('utf8') });
      this.buffer = this.buffer.subarray(bodyEnd + 1);
    }
  }
}

/** Polls cond until it holds; for conditions that are not socket events (files, processes). */
export async function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(50);
  }
}
