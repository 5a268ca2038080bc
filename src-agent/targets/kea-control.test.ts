import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keaCommand } from './kea-control';

let server: Server | undefined;
const sockets = new Set<Socket>();
let dir = '';

/** A stand-in control socket that hands each connection to `answer`. */
async function fakeKea(answer: (request: string, reply: (text: string) => void) => void): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'smt-kea-unit-'));
  const path = join(dir, 'sock');
  server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    let request = '';
    socket.on('data', (d: Buffer) => (request += d.toString()));
    socket.on('end', () => answer(request, (text) => socket.end(text)));
  });
  await new Promise<void>((resolve) => server?.listen(path, resolve));
  return path;
}

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('keaCommand', () => {
  it('sends one command with its arguments and parses the answer', async () => {
    let seen = '';
    const path = await fakeKea((request, reply) => {
      seen = request;
      reply('{"result":0,"text":"ok","arguments":{"x":1}}');
    });
    expect(await keaCommand(path, 'config-test', { Dhcp4: {} }, 1000)).toEqual({
      result: 0,
      text: 'ok',
      arguments: { x: 1 },
    });
    expect(JSON.parse(seen)).toEqual({ command: 'config-test', arguments: { Dhcp4: {} } });
  });

  it('gives up on a server that never answers', async () => {
    const path = await fakeKea(() => undefined);
    await expect(keaCommand(path, 'config-get', undefined, 200)).rejects.toThrow(/no answer within 200 ms/);
  });

  it('says so when the answer is not JSON or the socket is missing', async () => {
    const path = await fakeKea((_, reply) => reply('<html>'));
    await expect(keaCommand(path, 'config-get', undefined, 1000)).rejects.toThrow(/answer is not JSON/);
    await expect(keaCommand(join(dir, 'absent'), 'config-get', undefined, 1000)).rejects.toThrow(/ENOENT/);
  });
});
