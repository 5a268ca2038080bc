import stompit from 'stompit';

/**
 * What stompit's frame parser accepts, raised above what ActiveMQ 5.17 lets a client send: up to 1000
 * headers of up to 10240 bytes a line (StompWireFormat MAX_HEADERS, MAX_HEADER_LENGTH), all forwarded to
 * every subscriber with the broker's own ~10 added. stompit's defaults (64 headers, 1024-byte lines)
 * made one such frame from any remote end the console's session, and a persistent one (hello, event,
 * result) came back on every reconnect. Above the broker's limits every frame it forwards is parsed,
 * and the inbound guard judges the body.
 */
export const STOMP_PARSER_LIMITS = { maxLineLength: 16 * 1024, maxHeaders: 1100 } as const;

/** stompit's frame parser, as far as the patch below touches it. */
interface FrameParser {
  _headers: object;
  _parseCommandLine(): void;
}

const patched = Symbol.for('smt.stompit.ownHasOwnProperty');

/**
 * stompit collects a frame's headers in a plain object and asks `headers.hasOwnProperty(name)` before
 * each one. A header named "hasOwnProperty" (the broker forwards any name a client sends) replaced that
 * method, and the next header threw a TypeError out of the socket's data event: an uncaught exception
 * that ended the process. Each frame's header object now has its own, non-enumerable hasOwnProperty, so
 * such a header counts as a repeat and is dropped (STOMP 1.2: the first occurrence of a header wins).
 */
export function hardenStompitParser(): void {
  const proto = stompit.IncomingFrameStream.prototype as unknown as FrameParser & { [patched]?: true };
  if (proto[patched]) return;
  const parseCommandLine = proto._parseCommandLine;
  proto._parseCommandLine = function (this: FrameParser) {
    const before = this._headers;
    parseCommandLine.call(this);
    // A complete command line starts a new frame with a new header object.
    if (this._headers !== before) {
      Object.defineProperty(this._headers, 'hasOwnProperty', { value: Object.prototype.hasOwnProperty });
    }
  };
  proto[patched] = true;
}
