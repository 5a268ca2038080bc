import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A stand-in Kea control socket for unit tests, for the answers a healthy kea-dhcp4 never gives:
 *
 *   const kea = await fakeKea((request, reply) => reply('{"result":0}'));   // kea.path is the socket
 *   await kea.stop();                                                      // in afterEach
 */
export interface FakeKea {
  /** The unix socket path. */
  path: string;
  /** Its temp directory (for paths that must not exist). */
  dir: string;
  stop(): Promise<void>;
}

/** Hands each connection's whole request to `answer`, which replies once and so closes it. */
export async function fakeKea(
  answer: (request: string, reply: (text: string) => void) => void,
): Promise<FakeKea> {
  const dir = await mkdtemp(join(tmpdir(), 'smt-kea-unit-'));
  const path = join(dir, 'sock');
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    let request = '';
    socket.on('data', (d: Buffer) => (request += d.toString()));
    socket.on('end', () => answer(request, (text) => socket.end(text)));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    path,
    dir,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
