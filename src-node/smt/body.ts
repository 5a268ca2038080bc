import type { Readable } from 'node:stream';

export interface ReadBody {
  /** Bytes the frame carried, counted even when they were discarded. */
  bytes: number;
  /** The body, or undefined when it exceeded the limit and was drained unread. */
  body: Buffer | undefined;
}

/**
 * Reads one STOMP body to its end. stompit parses nothing more on a connection until the current body
 * is consumed, so a body is always read, and one over the limit is drained rather than kept.
 */
export function readBody(frame: Readable, maxBytes: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    frame.on('data', (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += buf.length;
      if (bytes <= maxBytes) chunks.push(buf);
      else chunks.length = 0;
    });
    frame.once('end', () =>
      resolve({ bytes, body: bytes <= maxBytes ? Buffer.concat(chunks, bytes) : undefined }),
    );
    frame.once('error', reject);
  });
}
