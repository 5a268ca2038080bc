import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { WholeFrameWriter } from './frame-writer';

/** A destination that records each write it is handed (writev counts its chunks). */
function destination() {
  const out = new PassThrough();
  const writes: string[][] = [];
  const record = out._write.bind(out);
  out._write = (chunk: Buffer, encoding, cb) => {
    writes.push([chunk.toString('latin1')]);
    record(chunk, encoding, cb);
  };
  out._writev = (chunks, cb) => {
    writes.push(chunks.map((c) => Buffer.from(c.chunk as Buffer).toString('latin1')));
    for (const c of chunks) out.push(c.chunk);
    cb();
  };
  return { out, writes };
}

const ended = (frame: NodeJS.WritableStream, body?: string) =>
  new Promise<void>((resolve) => frame.end(body ?? '', () => resolve()));

describe('WholeFrameWriter', () => {
  it('writes a frame whole (headers, body, terminator) and the frames of one turn in one write', async () => {
    const { out, writes } = destination();
    const w = new WholeFrameWriter(out);
    w.setVersion('1.2');
    const a = w.frame('SEND', { destination: '/queue/a', 'content-length': 2 });
    const b = w.frame('SEND', { destination: '/queue/b', ignored: undefined });
    await Promise.all([ended(a, 'hi'), ended(b, 'yo')]);
    expect(writes).toEqual([
      ['SEND\ndestination:/queue/a\ncontent-length:2\n\nhi\x00\n', 'SEND\ndestination:/queue/b\n\nyo\x00\n'],
    ]);
  });

  it('keeps the order frames were created in when a later one ends first', async () => {
    const { out, writes } = destination();
    const w = new WholeFrameWriter(out);
    const first = w.frame('SEND', { n: 1 });
    const second = w.frame('SEND', { n: 2 });
    const secondDone = ended(second, 'b');
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual([]);
    await Promise.all([ended(first, 'a'), secondDone]);
    expect(writes.flat()).toEqual(['SEND\nn:1\n\na\x00\n', 'SEND\nn:2\n\nb\x00\n']);
  });

  it("escapes header text as the negotiated version says (none before CONNECTED's version)", async () => {
    const { out, writes } = destination();
    const w = new WholeFrameWriter(out);
    await ended(w.frame('CONNECT', { host: 'a:b' }));
    expect(w.setVersion('1.2')).toBe(true);
    await ended(w.frame('SEND', { 'x:y': 'line\nbreak\\ and\r' }));
    expect(w.setVersion('9.9')).toBe(false);
    expect(writes.flat()).toEqual([
      'CONNECT\nhost:a:b\n\n\x00\n',
      'SEND\nx\\cy:line\\nbreak\\\\ and\\r\n\n\x00\n',
    ]);
  });

  it('sends a heart-beat only between frames, and nothing once the socket has finished', async () => {
    const { out, writes } = destination();
    const w = new WholeFrameWriter(out);
    const open = w.frame('SEND', {});
    w.heartbeat();
    await ended(open, 'x');
    w.heartbeat();
    await new Promise((r) => setImmediate(r));
    expect(writes.flat()).toEqual(['SEND\n\nx\x00\n', '\n']);
    out.destroy();
    await new Promise((r) => setImmediate(r));
    expect(w.hasFinished()).toBe(true);
    w.heartbeat();
    const late = w.frame('SEND', {});
    const error = new Promise<Error>((resolve) => late.once('error', resolve));
    late.end('y');
    expect((await error).message).toBe('cannot send frame on closed stream');
    expect(writes).toHaveLength(2);
  });
});
