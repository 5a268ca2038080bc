/**
 * Served inventories through the real brokers (docs/inventory.md): two provisioned remotes publish theirs
 * with their own certificates, the profile session stores them and classifies the zone the profile
 * applied to both, raises a drift event for the one that serves another text, and refuses (and counts) an
 * inventory one remote publishes in the other's name without touching the other's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { consoleProfilePath, labConsolePassphrase, labConsoleSealers, remoteIdentity } from '../../lab/lab';
import { openProfileSession, type ProfileSession } from '../../src-main/core/service/profile-session';
import { openDatabase } from '../../src-main/core/store/database';
import { InventoryStore } from '../../src-main/core/store/inventory-store';
import { PushStore } from '../../src-main/core/store/push-store';
import { sha256 } from '../../src-node/crypto/sha256';
import { SmtConnection, publish } from '../../src-node/smt';
import { waitFor } from '../../src-node/smt/testing/wait';
import { loadTlsMaterial } from '../../src-node/tls';
import { destinations, makeEnvelope, type ServedBody } from '../../src-shared/protocol';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { runSmt } from '../helpers/smt-cli';

const R1 = 'r-0411';
const R2 = 'r-0412';
const ZONE_TEXT = '$TTL 300\n@ IN SOA ns1 admin 7 3600 600 86400 300\n';
const INTENDED = sha256(ZONE_TEXT);
const EDITED = sha256(`${ZONE_TEXT}www IN A 192.0.2.9\n`);

let lab: LabFixture | undefined;
let session: ProfileSession | undefined;
const remotes: SmtConnection[] = [];
let dir = '';

const served = (seq: number, sha: string | null): z.infer<typeof ServedBody> => ({
  seq,
  sources: [{ service: 'named', readable: true }],
  objects:
    sha === null
      ? []
      : [
          {
            object: { kind: 'zone', name: 'example.test' },
            version: 1,
            serial: 7,
            sha256: sha,
            since: Date.now(),
          },
        ],
  truncated: false,
});

beforeAll(async () => {
  lab = await startLab();
  dir = mkdtempSync(join(tmpdir(), 'smt-served-inv-'));
  const dbFile = join(dir, 'console.db');
  // Version 1 of the zone, applied to both remotes, as an earlier console session left it.
  const db = openDatabase(dbFile);
  new PushStore(db).createPush(
    {
      id: '00000000-0000-4000-8000-000000000001',
      createdAt: Date.now(),
      author: 'alice',
      object: { kind: 'zone', name: 'example.test' },
      version: 1,
      op: 'upsert',
      payload: { format: 'zone-text', text: ZONE_TEXT },
      payloadSha256: INTENDED,
      selector: { kind: 'ids', ids: [R1, R2] },
      targets: [R1, R2],
      canary: null,
      expiresAt: null,
    },
    [R1, R2].map((remoteId, i) => ({
      remoteId,
      state: {
        kind: 'applied',
        attempt: 1,
        smtId: `00000000-0000-4000-8000-0000000000a${i}`,
        queuedAt: 1,
        sentAt: 2,
        since: 3,
        sha256: INTENDED,
      },
    })),
  );
  db.close();
  session = await openProfileSession({
    profileFile: consoleProfilePath(lab.opts),
    dbFile,
    sealers: await labConsoleSealers(lab.opts),
  });
  for (const id of [R1, R2]) {
    const identity = await remoteIdentity(id, { ...lab.opts, provision: true });
    const conn = new SmtConnection({
      name: id,
      brokers: identity.brokers,
      tls: await loadTlsMaterial(identity.tls),
    });
    remotes.push(conn);
    conn.start();
  }
  await waitFor('both remotes connected', () => remotes.every((c) => c.state.kind === 'connected'), 30_000);
  await waitFor(
    'the console connected',
    () => session?.core.connectionStatus().state.kind === 'connected',
    30_000,
  );
}, 120_000);

afterAll(async () => {
  for (const c of remotes) await c.stop();
  await session?.close();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('served inventories on real brokers', () => {
  it('classifies each remote, raises the drift once, and refuses an inventory in another remote’s name', async () => {
    const s = session as ProfileSession;
    const [c1, c2] = remotes as [SmtConnection, SmtConnection];
    const stateOf = (id: string) =>
      s.inventory.object('zone:example.test')?.remotes.find((r) => r.remoteId === id)?.state;
    await publish(c1, destinations.inventory(), makeEnvelope('served', R1, served(1, INTENDED)), {
      receipt: true,
    });
    await publish(c2, destinations.inventory(), makeEnvelope('served', R2, served(1, EDITED)), {
      receipt: true,
    });
    await waitFor('both classified', () => stateOf(R1) === 'in-sync' && stateOf(R2) === 'drifted', 30_000);
    await waitFor(
      'the drift event',
      () => s.events.store.recentOf(R2, 10).events.some((e) => e.code === 'drift'),
      10_000,
    );
    expect(s.events.store.recentOf(R2, 10).events.filter((e) => e.code === 'drift')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringMatching(/zone example.test drifted/),
      }),
    ]);
    expect(s.inventory.objects().driftedRemotes).toEqual([R2]);

    // `smt drift`, another process on the same profile and database: it sees the drift (exit 1) and does
    // not raise it a second time. The remotes send no presence, so none is online and none is asked.
    const run = await runSmt(
      { lab: lab?.opts, db: join(dir, 'console.db'), passphrase: await labConsolePassphrase(lab?.opts) },
      'drift',
      '--json',
    );
    expect(run.code, run.stderr).toBe(1);
    const out = JSON.parse(run.stdout) as {
      drift: { remoteId: string; state: string; servedSha256: string }[];
    };
    expect(out.drift).toEqual([
      expect.objectContaining({ remoteId: R2, state: 'drifted', servedSha256: EDITED }),
    ]);
    expect(s.events.store.recentOf(R2, 10).events.filter((e) => e.code === 'drift')).toHaveLength(1);

    // R1 publishes, in R2's name, that R2 serves the intended zone: the brokers stamp R1, the guard refuses.
    const rejectsBefore = s.core.rejects().total;
    await publish(c1, destinations.inventory(), makeEnvelope('served', R2, served(2, INTENDED)), {
      receipt: true,
    });
    await waitFor('the impersonation refused', () => s.core.rejects().total === rejectsBefore + 1, 30_000);
    expect(s.core.rejects().byReason['identity-mismatch']).toBe(1);
    const stored = new InventoryStore(s.db).all().inventories.find((i) => i.remoteId === R2);
    expect(stored?.served.objects[0]?.sha256).toBe(EDITED);
    expect(stateOf(R2)).toBe('drifted');

    // R2 is put right (here: says so itself), and the drift is resolved.
    await publish(c2, destinations.inventory(), makeEnvelope('served', R2, served(3, INTENDED)), {
      receipt: true,
    });
    await waitFor('back in sync', () => stateOf(R2) === 'in-sync', 30_000);
    await waitFor(
      'the resolved event',
      () => s.events.store.recentOf(R2, 10).events[0]?.code === 'drift-resolved',
      10_000,
    );
    expect(s.events.store.recentOf(R2, 10).events.map((e) => e.code)).toEqual(['drift-resolved', 'drift']);
  }, 90_000);
});
