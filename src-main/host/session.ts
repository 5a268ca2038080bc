import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { sha256 } from '../../src-node/crypto/sha256';

export const SESSION_COOKIE = 'smt_session';

/**
 * The browser host's one secret: whoever holds it drives the console, so it is random, compared in constant
 * time, and travels only in the URL printed on start and in an HttpOnly, SameSite=Strict cookie. `rotate`
 * ends the session: the old URL and cookie open nothing any more.
 */
export class Session {
  private current = randomBytes(32).toString('base64url');
  private digest = digestOf(this.current);

  get token(): string {
    return this.current;
  }

  rotate(): void {
    this.current = randomBytes(32).toString('base64url');
    this.digest = digestOf(this.current);
  }

  matches(candidate: string | undefined | null): boolean {
    // Hashing first gives equal-length inputs, so neither the content nor the length leaks through timing.
    return typeof candidate === 'string' && timingSafeEqual(digestOf(candidate), this.digest);
  }

  /** The token from `?token=` or the session cookie, whichever is present and valid. */
  authorize(req: IncomingMessage, url: URL): { ok: boolean; viaQuery: boolean } {
    if (this.matches(url.searchParams.get('token'))) return { ok: true, viaQuery: true };
    return { ok: this.matches(readCookie(req.headers.cookie, SESSION_COOKIE)), viaQuery: false };
  }

  setCookieHeader(): string {
    return `${SESSION_COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

const digestOf = (s: string) => Buffer.from(sha256(s), 'hex');

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
