import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keaCommand } from './kea-control';
import { fakeKea as startFakeKea, type FakeKea } from './testing/fake-kea';

let kea: FakeKea | undefined;
let dir = '';

async function fakeKea(answer: Parameters<typeof startFakeKea>[0]): Promise<string> {
  kea = await startFakeKea(answer);
  dir = kea.dir;
  return kea.path;
}

afterEach(async () => {
  await kea?.stop();
  kea = undefined;
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
