import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleService } from './console-service';
import { offlineSession } from './testing/offline-session';

const dirs: string[] = [];
const services: ConsoleService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function service() {
  const { session, dir } = offlineSession('reservation-handlers');
  dirs.push(dir);
  const svc = new ConsoleService(session, { actor: 'alice' });
  services.push(svc);
  return svc;
}

const printer = { ipAddress: '192.0.2.10', hwAddress: '52:54:00:12:34:56' };

describe('the reservation calls on the console service', () => {
  it('refuse a zone key and an oversized field before anything is read', async () => {
    const svc = service();
    const zone = await svc.handle('getIntendedScope', [{ key: 'zone:example.test' }]);
    expect(!zone.ok && zone.error).toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/a scope key such as scope:10\.0\.0\.0\/24/) as string,
    });
    const long = await svc.handle('planReservations', [
      {
        key: 'scope:192.0.2.0/24',
        baseVersion: 1,
        reservations: [{ ...printer, hostname: 'x'.repeat(300) }],
      },
    ]);
    expect(!long.ok && long.error.code).toBe('bad-request');
  });

  it('answer not-found for a scope neither pushed nor served', async () => {
    const svc = service();
    const r = await svc.handle('planReservations', [
      { key: 'scope:192.0.2.0/24', baseVersion: 1, reservations: [printer] },
    ]);
    expect(!r.ok && r.error).toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/No scope:192\.0\.2\.0\/24 in the served inventory/) as string,
    });
  });
});
