import { describe, expect, it } from 'vitest';
import { objectsView, type OwnedObject, type RemoteInventory } from '../../src-shared/inventory/drift';
import { Exit, parseCli } from './args';
import { driftExit, driftJson, driftText, objectsJson, objectsText } from './format';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const NOW = Date.UTC(2026, 0, 1, 12);
const zone: OwnedObject = {
  key: 'zone:example.test',
  object: { kind: 'zone', name: 'example.test' },
  intended: { version: 3, op: 'upsert', sha256: A, pushId: 'p3', at: NOW - 3_600_000 },
  versions: 3,
  appliedTo: ['r-1', 'r-2', 'r-3', 'r-4'],
};
const inv = (remoteId: string, sha: string | null, present = true): RemoteInventory => ({
  remoteId,
  served: {
    seq: 1,
    sources: [{ service: 'named', readable: true }],
    objects: present
      ? [
          {
            object: { kind: 'zone', name: 'example.test' },
            version: 2,
            serial: 42,
            sha256: sha,
            since: NOW - 600_000,
          },
        ]
      : [],
    truncated: false,
  },
  receivedAt: NOW - 30_000,
});
const refresh = { asked: ['r-1', 'r-2', 'r-3'], stored: 3, offline: [], failed: [] };

describe('smt objects / smt drift output', () => {
  const drifted = objectsView(
    [zone],
    [
      inv('r-1', A),
      inv('r-2', B),
      inv('r-3', null, false),
      { remoteId: 'r-4', served: null, receivedAt: null },
    ],
    NOW,
  );
  const clean = objectsView(
    [zone],
    [inv('r-1', A), { remoteId: 'r-4', served: null, receivedAt: null }],
    NOW,
  );

  it('lists objects with the intended version and every state counted', () => {
    expect(objectsJson(drifted)).toEqual([
      {
        key: 'zone:example.test',
        kind: 'zone',
        name: 'example.test',
        intended: { version: 3, op: 'upsert', sha256: A, pushId: 'p3', at: '2026-01-01T11:00:00.000Z' },
        versions: 3,
        counts: { 'in-sync': 1, drifted: 1, missing: 1, extra: 0, unknown: 1 },
      },
    ]);
    expect(objectsText(drifted).split('\n')).toEqual([
      'KIND  NAME          INTENDED  IN-SYNC  DRIFTED  MISSING  EXTRA  UNKNOWN',
      'zone  example.test  v3        1        1        1        0      1',
    ]);
    expect(objectsText(objectsView([], [], NOW))).toMatch(/no zones or scopes/);
  });

  it('lists each drifted and missing pair with hashes, versions, serial and ages; unknown apart', () => {
    const json = driftJson(drifted, refresh, NOW);
    expect(json.drift).toEqual([
      {
        key: 'zone:example.test',
        remoteId: 'r-2',
        state: 'drifted',
        intendedVersion: 3,
        intendedSha256: A,
        servedVersion: 2,
        servedSha256: B,
        serial: 42,
        since: '2026-01-01T11:50:00.000Z',
        sinceAgeS: 600,
        reportedAt: '2026-01-01T11:59:30.000Z',
        reportedAgeS: 30,
        note: null,
      },
      expect.objectContaining({ remoteId: 'r-3', state: 'missing', servedSha256: null, serial: null }),
    ]);
    expect(json.unknown).toEqual([
      expect.objectContaining({ remoteId: 'r-4', note: expect.stringMatching(/no served/) }),
    ]);
    expect(json.driftedRemotes).toEqual(['r-2', 'r-3']);
    const text = driftText(drifted, refresh, NOW);
    expect(text).toMatch(/^asked 3 online remotes, 3 answered\n/);
    expect(text).toMatch(
      /zone:example.test\s+r-2\s+drifted\s+v3 aaaaaaaaaaaa\s+v2 bbbbbbbbbbbb\s+42\s+10 min ago\s+30 s ago/,
    );
    expect(text).toMatch(/zone:example.test\s+r-3\s+missing\s+v3 aaaaaaaaaaaa\s+-\s+-\s+-\s+30 s ago/);
    expect(text).toMatch(
      /1 unknown \(not counted as drift\):\n {2}zone:example.test on r-4: no served inventory/,
    );
  });

  it('says so when nothing drifted, and who did not answer', () => {
    const text = driftText(
      clean,
      { ...refresh, stored: 2, failed: [{ remoteId: 'r-3', error: 'timeout' }] },
      NOW,
    );
    expect(text).toMatch(/asked 3 online remotes, 2 answered, 1 did not \(r-3\)/);
    expect(text).toMatch(/no drift/);
  });

  it('exits 1 on drift or missing, 0 otherwise (unknown does not fail)', () => {
    expect(driftExit(drifted)).toBe(Exit.drift);
    expect(Exit.drift).toBe(1);
    expect(driftExit(clean)).toBe(Exit.ok);
    expect(driftExit(objectsView([{ ...zone, appliedTo: ['r-3'] }], [inv('r-3', null, false)], NOW))).toBe(1);
  });

  it('parses `smt objects` and `smt drift`, with --json and nothing else', () => {
    expect(parseCli(['drift', '--json']).command).toEqual({ kind: 'drift' });
    expect(parseCli(['objects']).command).toEqual({ kind: 'objects' });
    expect(() => parseCli(['drift', 'zone:x'])).toThrow(/takes no arguments/);
    expect(() => parseCli(['objects', '--wait'])).toThrow(/--wait belongs to `smt push`/);
  });
});
